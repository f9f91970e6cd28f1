/**
 * The embedded registrar on the real emulator (its HTTP server and store): the store's
 * registered flag — what the platform counts — follows register, wrong password, a dropped
 * connection and stop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import type { RunningEmulator } from '../../../src/emulator/index';
import { attachEmbeddedSip } from '../../../src/emulator/sip/embedded';
import type { EmbeddedSip } from '../../../src/emulator/sip/embedded';
import { createSipLine } from '../../../src/main/sip/index';
import type { SipLine } from '../../../src/main/sip/types';
import { RecordingDirectory } from '../../integration/support/recording-directory';
import { FAST_TIMING, untilState } from './support/line';

const [first, second] = DEMO_EXTENSIONS as [
  (typeof DEMO_EXTENSIONS)[0],
  (typeof DEMO_EXTENSIONS)[0],
];
let emulator: RunningEmulator;
let directory: RecordingDirectory;
let sip: EmbeddedSip;
let line: SipLine;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: null, log: () => {} });
  directory = new RecordingDirectory(emulator.store);
  sip = attachEmbeddedSip(emulator.server, directory, {
    domain: 'sip.oneyun.com',
    logger: silentLogger,
  });
  line = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
});
afterEach(async () => {
  await line.stop();
  await sip.close();
  await emulator.close();
});

const config = (extension: typeof first, password = extension.password) => ({
  wsUrl: `${emulator.origin.replace('http', 'ws')}${sip.wsPath}`,
  domain: 'sip.oneyun.com',
  user: extension.sipUser,
  password,
  expiresSec: 300,
});

describe('embedded registrar on the emulator', () => {
  it('register → the store counts the extension; drop → off, then on again; stop → off', async () => {
    line.start(config(first));
    await untilState(line, 'registered');
    expect(emulator.store.isExtensionRegistered(first.id)).toBe(true);
    sip.bindingFor(first.id)!.connection.drop();
    await directory.untilFlag(first.id, false);
    await untilState(line, 'backing-off');
    await untilState(line, 'registered');
    expect(emulator.store.isExtensionRegistered(first.id)).toBe(true);
    await line.stop();
    expect(emulator.store.isExtensionRegistered(first.id)).toBe(false);
  });

  it('wrong password → failed-auth; the store never counts the extension', async () => {
    line.start(config(second, 'demo000000'));
    const status = await untilState(line, 'failed-auth');
    expect(status.lastError?.code).toBe('sip-auth-failed');
    expect(emulator.store.isExtensionRegistered(second.id)).toBe(false);
    expect(directory.changes).toEqual([]);
  });
});
