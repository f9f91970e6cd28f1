/**
 * A call dialled straight to the agent's extension (a colleague, a callback): the platform never
 * routed it, so it still shows the agent idle and offers them queued customers, each of which
 * the desktop must refuse busy — a customer lost per offer, and the platform offers again at once.
 * Once such a call is answered the agent is held busy for it (`in-call`), and their choice comes
 * back when it ends. Through the core against the demo platform and its call center.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';

let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a call dialled straight to the extension, answered', () => {
  it('holds the agent busy while it lasts: a queued customer waits, then rings once it ends', async () => {
    app = await startCallCore();
    const direct = await app.talkingDirect();
    await app.until('held for the call', (s) => s.hold?.reason === 'in-call');
    expect(app.platformState()).toBe('busy/system/in-call');
    expect(app.snap()).toMatchObject({ state: 'busy/system/in-call', chosenState: 'idle' });

    const id = app.queue();
    await pause(500);
    // Not offered to an agent who is talking (and so not refused and lost).
    expect(app.demo.emulator.calls.call(id)).toMatchObject({ state: 'queued', outcome: null });
    expect(direct.ended()).toBeNull();

    expect((await app.core.dispatch('call:hangup', { callId: direct.callId })).ok).toBe(true);
    // The agent's choice comes back, and the waiting customer is offered to them.
    const ringing = await app.until(
      'the queued customer rings',
      (s) => s.call?.phase === 'ringing',
    );
    expect(ringing).toBe(true);
    expect(app.demo.emulator.calls.call(id)).toMatchObject({ state: 'ringing' });
    expect(app.snap().hold).toBeNull();
  });

  it('an agent who is busy is left as they are: nothing to hold', async () => {
    app = await startCallCore();
    expect((await app.core.dispatch('agent:set-state', { state: 'busy/小休' })).ok).toBe(true);
    await app.talkingDirect('busy/小休');
    await pause(400);
    expect(app.snap().hold).toBeNull();
    expect(app.platformState()).toBe('busy/小休');
  });
});
