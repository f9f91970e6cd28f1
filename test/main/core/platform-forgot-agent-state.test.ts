/**
 * The platform answers the agent with `state: null, extension: null`: its server keeps both in
 * Redis, lost on a Redis restart or eviction while the agent row (and the keepalive) stays. Such
 * an agent is never offered calls. The desktop must not keep showing Ready: it sets the extension
 * and the state again, and when the platform keeps answering null it says there is a problem,
 * without sending the repair at every read-back.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { EXT, pause, platformState, signIn, useSessionBed } from './support/session-bed';
import type { Agent } from '../../../src/shared/platform/dto';
import type { Bed } from './support/session-bed';

const bed = useSessionBed();

const forget = async (b: Bed) => {
  const res = await fetch(`${b.emulator.origin}/emulator/agents/agent_1/forget`, {
    method: 'POST',
  });
  expect(res.status).toBe(200);
};

describe('the platform lost the agent’s state and extension', () => {
  it('the desktop puts them back: the agent is on its extension and Ready again', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await forget(b);
    expect(platformState(b)).toBe('');
    await b.session.wake(false);
    await waitFor(() => platformState(b) === 'idle', 'idle again on the platform');
    expect(b.emulator.store.agentStatus('agent_1')?.extension).toBe(EXT);
    await waitFor(() => b.session.snapshot().agent?.extension === EXT, 'extension read back');
    expect(b.session.snapshot()).toMatchObject({ phase: 'signed-in', state: 'idle' });
    expect(b.session.snapshot().platform.health).toBe('ok');
    expect(b.session.snapshot().lastError).toBeNull();
  });

  it('a hold is put back as the hold, not as the agent’s choice', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.session.hold('lock');
    expect(platformState(b)).toBe('away/system/lock');
    await forget(b);
    await b.session.wake(false);
    await waitFor(() => platformState(b) === 'away/system/lock', 'held again on the platform');
    await b.session.wake(true);
    await waitFor(() => platformState(b) === 'idle', 'back: idle');
  });

  it('while the platform keeps answering null, the window does not show Ready and says so', async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.tweak.getAgent = async (real) => {
      const read = (await real()) as { ok: true; value: Agent } | { ok: false };
      return read.ok ? { ok: true, value: { ...read.value, state: null, extension: null } } : read;
    };
    const before = { state: b.sent.setState ?? 0, extension: b.sent.setExtension ?? 0 };
    await b.session.wake(true);
    expect(b.session.snapshot().state).not.toBe('idle');
    await pause(300);
    for (let i = 0; i < 5; i++) {
      await b.session.wake(true);
      expect(b.session.snapshot().state).not.toBe('idle');
      expect(b.session.snapshot().platform.health).toBe('faulty');
      expect(b.session.snapshot().lastError).not.toBeNull();
    }
    expect(b.session.snapshot().phase).toBe('signed-in');
    // Put back (at least once), but not at every read-back.
    const states = (b.sent.setState ?? 0) - before.state;
    const extensions = (b.sent.setExtension ?? 0) - before.extension;
    expect(extensions).toBeGreaterThanOrEqual(1);
    expect(states).toBeGreaterThanOrEqual(1);
    expect(extensions).toBeLessThanOrEqual(2);
    expect(states).toBeLessThanOrEqual(2);
    // The platform answers with the agent again: Ready, no problem.
    delete b.tweak.getAgent;
    await b.session.wake(true);
    expect(b.session.snapshot().state).toBe('idle');
    expect(b.session.snapshot().platform.health).toBe('ok');
    expect(b.session.snapshot().lastError).toBeNull();
  });
});
