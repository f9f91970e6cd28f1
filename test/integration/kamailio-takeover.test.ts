/**
 * The REGISTER-reply takeover clue against a real Kamailio: a real registrar keeps every device's
 * binding and lists them all in its 200 OK. A line that registered first learns of a second
 * device on its extension from its next REGISTER; the second device, which found the first one
 * already there, is not told it took anything over.
 * Skips with the reason where Kamailio is not installed (fails in CI).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import type { RunningKamailio } from '../../src/emulator/sip/kamailio';
import type { SipLineConfig } from '../../src/main/sip/types';
import type { SipStatus } from '../../src/shared/snapshot';
import { missingSystem } from '../support/system';
import { lineKeeper, untilState } from '../main/sip/support/line';
import { DOMAIN, demoDirectory, startTestKamailio, usrlocContacts } from './support/kamailio';
import { waitFor } from '../support/wait';

const skip = missingSystem('kamailio');
const alice = DEMO_EXTENSIONS[0]!;
let kamailio: RunningKamailio;
const keeper = lineKeeper();

function config(extra: Partial<SipLineConfig> = {}): SipLineConfig {
  return {
    wsUrl: kamailio.wsUrl,
    domain: DOMAIN,
    user: alice.sipUser,
    password: alice.password,
    expiresSec: 300,
    ...extra,
  };
}

describe.skipIf(skip !== null)(
  `REGISTER reply lists another device${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      kamailio = await startTestKamailio(demoDirectory());
    });
    afterEach(async () => {
      await keeper.stopAll();
    });
    afterAll(async () => {
      await kamailio?.stop();
    });

    it('the first line sees the second device at its next REGISTER; the second sees none', async () => {
      const first = keeper.newLine();
      const seen: SipStatus[] = [];
      first.onStatus((status) => seen.push(status));
      first.start(config({ expiresSec: 4 }));
      await untilState(first, 'registered');
      expect(first.status().newContacts ?? []).toEqual([]);

      const second = keeper.newLine();
      second.start(config());
      await untilState(second, 'registered');
      const bindings = await usrlocContacts(kamailio, alice.sipUser);
      expect(bindings).toHaveLength(2);

      // The first line's refresh (granted 4 s: within a few seconds) lists both bindings.
      const clue = await waitFor(
        () => seen.find((s) => (s.newContacts ?? []).length > 0),
        'the other device in a REGISTER reply',
        8_000,
      );
      expect(clue.newContacts).toHaveLength(1);
      expect(bindings).toContain(clue.newContacts![0]);
      expect(first.status().state).toBe('registered');
      expect(second.status().newContacts ?? []).toEqual([]);
    });
  },
);
