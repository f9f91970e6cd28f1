/**
 * The emulator's Kamailio mode as a registrar: sipp (an independent SIP client) registers and
 * unregisters over UDP, extensions created later are provisioned without a restart, and stop
 * really ends the process. Skips with the reason where Kamailio or sipp is missing (fails in CI).
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../src/lib/ports';
import { DEMO_EXTENSIONS, SIP_USER_PREFIX } from '../../src/emulator/index';
import { freeUdpPort } from '../../src/emulator/sip/free-port';
import { startKamailio } from '../../src/emulator/sip/kamailio';
import type { RunningKamailio } from '../../src/emulator/sip/kamailio';
import { createSipLine } from '../../src/main/sip/index';
import type { SipLine } from '../../src/main/sip/types';
import { missingSystem } from '../support/system';
import { FAST_TIMING, untilState } from '../main/sip/support/line';
import {
  DOMAIN,
  alive,
  demoDirectory,
  startTestKamailio,
  usrlocContacts,
} from './support/kamailio';
import type { RecordingDirectory } from './support/recording-directory';
import { sippRegister } from './support/sipp';

const skip = missingSystem('kamailio', 'sipp');
const carol = DEMO_EXTENSIONS[2]!;
let directory: RecordingDirectory;
let kamailio: RunningKamailio;
const lines: SipLine[] = [];

describe.skipIf(skip !== null)(
  `Kamailio mode as registrar${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      directory = demoDirectory();
      kamailio = await startTestKamailio(directory);
    });
    afterAll(async () => {
      await Promise.all(lines.map((line) => line.stop()));
      await kamailio?.stop();
    });

    it('sipp registers and unregisters over UDP with digest; the store flag follows', async () => {
      const localPort = await freeUdpPort();
      const registered = await sippRegister(kamailio.udpAddress, carol, DOMAIN, 60, localPort);
      expect(registered.code, registered.output).toBe(0);
      await directory.untilFlag(carol.id, true);
      expect(await usrlocContacts(kamailio, carol.sipUser)).toEqual([
        expect.stringMatching(/^sip:10001800003@127\.0\.0\.1:\d+$/),
      ]);
      const unregistered = await sippRegister(kamailio.udpAddress, carol, DOMAIN, 0, localPort);
      expect(unregistered.code, unregistered.output).toBe(0);
      await directory.untilFlag(carol.id, false);
    });

    it('sipp with a wrong password is refused (403), nothing registered', async () => {
      const run = await sippRegister(
        kamailio.udpAddress,
        { ...carol, password: 'wrong123' },
        DOMAIN,
        60,
      );
      expect(run.code).not.toBe(0);
      expect(run.output).toContain('403 Forbidden');
      expect(await usrlocContacts(kamailio, carol.sipUser)).toEqual([]);
    });

    it('an extension created after start is provisioned (subscriber row) and can register', async () => {
      const created = directory.store.createExtension({
        type: 1,
        user: '900001',
        password: 'pass9001',
      });
      expect(created.code).toBe('000000');
      const extension = created.data!;
      const line = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
      lines.push(line);
      const sipUser = `${SIP_USER_PREFIX}900001`;
      line.start({
        wsUrl: kamailio.wsUrl,
        domain: DOMAIN,
        user: sipUser,
        password: 'pass9001',
        expiresSec: 300,
      });
      await untilState(line, 'registered');
      await directory.untilFlag(extension.id, true);
    });

    it('stop ends the process (by its pid), removes its files and reports nobody registered', async () => {
      const ownDirectory = demoDirectory();
      const own = await startTestKamailio(ownDirectory);
      const line = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
      lines.push(line);
      line.start({
        wsUrl: own.wsUrl,
        domain: DOMAIN,
        user: carol.sipUser,
        password: carol.password,
        expiresSec: 300,
      });
      await untilState(line, 'registered');
      await ownDirectory.untilFlag(carol.id, true);
      expect(alive(own.pid)).toBe(true);
      const started = Date.now();
      await own.stop();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(alive(own.pid)).toBe(false);
      expect(ownDirectory.store.isExtensionRegistered(carol.id)).toBe(false);
      expect(existsSync(dirname(own.pidFile))).toBe(false);
      await line.stop();
    });

    it('a start that cannot work fails with Kamailio’s own reason', async () => {
      const attempt = startKamailio({
        directory,
        domain: DOMAIN,
        logger: silentLogger,
        configPath: '/nonexistent.cfg',
      });
      await expect(attempt).rejects.toThrow(/kamailio did not start[\s\S]*nonexistent\.cfg/);
    });
  },
);
