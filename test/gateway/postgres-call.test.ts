/**
 * The gateway's PostgreSQL goes away during an agent's call and comes back, seen from the
 * desktop (the real core, SIP line and demo platform behind a gateway on a throwaway cluster,
 * reached through a TCP hop that can be cut): the customer's call talks on, the window says
 * the platform answers with errors and retries (not that it refuses the agent), and once the
 * database is back the same session carries on, with no sign-in again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/create-core';
import { startDemoPlatform } from '../../src/emulator/demo-platform';
import { openStore } from '../../src/gateway/store/open';
import { callReadiness } from '../../src/shared/availability';
import { silentLogger } from '../../src/lib/ports';
import { windowDouble } from '../main/core/support/call-core';
import { gatewayCoreSignedIn } from '../main/core/support/gateway-core';
import { missingPostgres, startTestPostgres, type TestPostgres } from '../support/postgres';
import { waitFor } from '../support/wait';
import { startRig } from './helpers';
import { Hop } from './tcp-hop';
import type { SessionSnapshot } from '../../src/shared/snapshot';

const missing = missingPostgres();

describe.skipIf(missing !== null)(
  `PostgreSQL down during a call${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let pgServer: TestPostgres;
    beforeAll(async () => {
      pgServer = await startTestPostgres();
    }, 90_000);
    afterAll(async () => {
      await pgServer?.stop();
    });

    it('the call talks on, the window retries, and the session carries on when it is back', async () => {
      const hop = new Hop(Number(new URL(pgServer.url).port));
      await hop.open();
      const url = new URL(pgServer.url);
      url.port = String(hop.port);
      const store = await openStore(url.toString());
      const demo = await startDemoPlatform(silentLogger);
      const rig = await startRig({ store, emulator: demo.emulator, ratePerSec: 0 });
      let core: Core | null = null;
      let window: ReturnType<typeof windowDouble> | null = null;
      try {
        core = await gatewayCoreSignedIn(rig, {
          env: { AGENT_DESKTOP_SIP_WS_URL: demo.sipWsUrl! },
          sipLine: undefined, // the real SIP line
          keepaliveMs: 300,
        });
        const desk = core;
        window = windowDouble(desk);
        const until = <T>(what: string, probe: (s: SessionSnapshot) => T) =>
          waitFor(() => probe(desk.snapshot()), what, 10_000) as Promise<T>;
        demo.emulator.store.updateSkills('alice', [
          { opt: 1, name: 'sales', score: 5, enabled: true },
        ]);
        await until('registered', (s) => s.sip.state === 'registered');
        const id = demo.emulator.calls.queueCall({ skill: 'sales', caller: '13900001234' });
        const call = (await until('ringing', (s) =>
          s.call?.phase === 'ringing' ? s.call : null,
        ))!;
        expect((await desk.dispatch('call:answer', { callId: call.id })).ok).toBe(true);
        await waitFor(() => demo.emulator.calls.call(id)?.state === 'talking', 'talking');

        await hop.cut();
        await until('keepalive retried', (s) => s.platform.nextRetryAt !== null);
        expect(desk.snapshot().platform.lastError?.detail).toContain('GW0503');
        // Said as the gateway's trouble getting through, not as the platform answering errors.
        expect(desk.snapshot().platform.lastError?.code).toBe('gateway-trouble');
        expect(callReadiness(desk.snapshot(), 'ok')).toMatchObject({
          kind: 'trouble',
          trouble: 'gateway-trouble',
        });
        expect(desk.snapshot()).toMatchObject({ phase: 'signed-in', call: { phase: 'talking' } });
        expect(demo.emulator.calls.call(id)?.state).toBe('talking');

        await hop.open();
        await until('platform ok again', (s) => s.platform.health === 'ok');
        expect(desk.snapshot()).toMatchObject({
          phase: 'signed-in',
          call: { phase: 'talking' },
          access: { signInNeeded: false },
        });
        expect(demo.emulator.calls.call(id)?.state).toBe('talking');
      } finally {
        await core?.shutdown(3_000);
        await window?.close();
        await rig.close();
        await store.close();
        await hop.cut();
        await demo.close();
      }
    }, 60_000);
  },
);
