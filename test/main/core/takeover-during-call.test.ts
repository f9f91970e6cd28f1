/**
 * Another desktop takes the agent over while a call is on this one. Stepping back at once used
 * to sign this desktop out and so hang up on the customer. Now the window says so at once, the
 * call goes on, and this desktop steps back (no logout: that would sign the other one out) when
 * the call is over — or at once if the agent signs out. Through the core against the demo
 * platform; the call is dialled straight to the extension, which a platform forgetting the
 * agent does not end (a routed one it would).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { waitFor } from '../../support/wait';
import { AGENT, startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import type { AgentSession } from '../../../src/main/core/session';

let app: CallCore | null = null;
let other: AgentSession | null = null;
afterEach(async () => {
  await app?.close();
  await other?.shutdown(1_000);
  app = null;
  other = null;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The platform forgets this desktop's agent, and another desktop signs them in elsewhere. */
async function signedInElsewhere(of: CallCore): Promise<void> {
  of.demo.emulator.store.expire(AGENT);
  other = emulatorSession(of.demo.emulator, emulatorClient(of.demo.emulator));
  const signed = await other.signIn({
    name: AGENT,
    extension: DEMO_EXTENSIONS[1]!.id,
    initialState: 'busy/小休',
  });
  expect(signed.ok).toBe(true);
  // This desktop reads the agent back: the platform shows them on the other extension.
  await of.core.dispatch('session:refresh', {});
}

describe('taken over during a call', () => {
  it('the call goes on; this desktop steps back once it is over, without signing the other out', async () => {
    app = await startCallCore();
    const direct = await app.talkingDirect();
    await signedInElsewhere(app);
    await pause(300);
    expect(app.snap().phase).toBe('signed-in');
    expect(app.snap().call?.phase).toBe('talking');
    expect(direct.ended()).toBeNull();
    // The window is told now (it says this desktop stops when the call ends).
    expect(app.snap().takeover).toMatchObject({ clue: 'state' });

    expect((await app.core.dispatch('call:hangup', { callId: direct.callId })).ok).toBe(true);
    await app.until('stepped back after the call', (s) => s.phase === 'signed-out');
    // Signed out, the sign-in form says why; no takeover banner besides.
    expect(app.snap().lastError?.code).toBe('040201');
    expect(app.snap().takeover).toBeNull();
    // The other desktop's session is untouched: still signed in on its extension, in its state.
    const status = app.demo.emulator.store.agentStatus(AGENT);
    expect(status?.extension).toBe(DEMO_EXTENSIONS[1]!.id);
    expect(status?.state).toBe('busy/小休');
  });

  it('signing out during it hangs up and steps back, without the logout', async () => {
    app = await startCallCore();
    const direct = await app.talkingDirect();
    await signedInElsewhere(app);
    const plain = await app.core.dispatch('session:sign-out', { force: false });
    expect(plain.ok ? null : plain.error.code).toBe('in-call');
    expect((await app.core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    expect(app.snap().phase).toBe('signed-out');
    await waitFor(() => direct.ended() !== null, 'the caller hears the end');
    expect(app.demo.emulator.store.agentStatus(AGENT)?.extension).toBe(DEMO_EXTENSIONS[1]!.id);
  });
});
