/**
 * Issue 10, session side: what the agent is told when the platform misbehaves, and what a heal
 * restores. A real emulator behind a wrapper that can make any request fail as a platform would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORM_METHODS } from './support/tweaked-platform';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import { appError } from '../../../src/shared/domain/errors';
import { waitFor } from '../../support/wait';
import type { AgentSession, SessionPlatform } from '../../../src/main/core/session';
import type { PlatformClient } from '../../../src/lib/platform/client';
import type { AppError } from '../../../src/shared/domain/errors';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

const EXT = DEMO_EXTENSIONS[0]!.id;
type Method = keyof SessionPlatform;

/**
 * The emulator's client, with `fault(method)` answering instead when it returns an error, and
 * `held(method)` (when it gives a promise) keeping a done request's answer back until it settles.
 */
function wrapped(
  client: PlatformClient,
  fault: (method: Method) => AppError | null,
  log: Method[] = [],
  held: (method: Method) => Promise<void> | undefined = () => undefined,
): SessionPlatform {
  const out: Record<string, unknown> = {};
  for (const m of PLATFORM_METHODS) {
    out[m] = (...args: unknown[]) => {
      log.push(m);
      const error = fault(m);
      if (error) return Promise.resolve({ ok: false, error });
      const answer = (client[m] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
      const hold = held(m);
      return hold ? answer.then(async (value) => (await hold, value)) : answer;
    };
  }
  return out as unknown as SessionPlatform;
}

let emulator: RunningEmulator;
let faults: Partial<Record<Method, AppError>>;
let holds: Partial<Record<Method, Promise<void>>>;
let session: AgentSession;
let pushes: SessionSnapshot[];
let calls: Method[];

function makeSession(keepaliveMs = 600_000): AgentSession {
  const platform = wrapped(
    emulatorClient(emulator),
    (m) => faults[m] ?? null,
    calls,
    (m) => holds[m],
  );
  const s = emulatorSession(emulator, platform, {
    keepaliveMs: () => keepaliveMs,
    random: () => 0,
  });
  s.onChange((snap) => pushes.push(snap));
  return s;
}

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  faults = {};
  holds = {};
  pushes = [];
  calls = [];
  session = makeSession();
});
afterEach(async () => {
  faults = {};
  await session.shutdown(1000);
  await emulator.close();
});

const signIn = async (initialState = 'idle', skills?: { name: string; score?: number }[]) => {
  const result = await session.signIn({ name: 'agent_1', extension: EXT, initialState, skills });
  expect(result.ok).toBe(true);
};

describe('the error banner describes the present', () => {
  for (const error of [
    appError('transport', 'HTTP 502 Bad Gateway'),
    appError('timeout', 'no answer in 2000 ms'),
    appError('000002'),
    appError('transport', 'connect ECONNREFUSED'),
  ]) {
    it(`clears ${error.code} (${error.detail ?? ''}) once the platform answers again`, async () => {
      await signIn();
      faults = { setState: error, keepalive: error };
      expect((await session.setState('busy')).ok).toBe(false);
      expect(session.snapshot().lastError?.code).toBe(error.code);
      faults = {};
      await session.wake(true); // the next keepalive round
      expect(session.snapshot().lastError).toBeNull();
      expect(session.snapshot().platform.health).toBe('ok');
    });
  }
});

describe('platform trouble is reported truthfully', () => {
  it('keepalives refused with 010002 count as trouble, not "Platform OK"', async () => {
    await signIn();
    faults = { keepalive: appError('010002') };
    await session.wake(true);
    expect(session.snapshot().platform.health).toBe('faulty');
    expect(session.snapshot().platform.lastError?.code).toBe('010002');
    expect(session.snapshot().lastError?.code).toBe('010002');
    faults = {};
    await session.wake(true);
    expect(session.snapshot().platform.health).toBe('ok');
    expect(session.snapshot().lastError).toBeNull(); // the banner went with the trouble
  });

  it('a keepalive the platform rejects as unsigned shows auth-failed, for IT', async () => {
    await signIn();
    faults = { keepalive: appError('auth-failed', 'HTTP 401') };
    await session.wake(true);
    expect(session.snapshot().platform.health).toBe('auth-failed');
  });

  it('an unreadable read-back does not flip health between ok and unreachable', async () => {
    await signIn();
    faults = { getAgent: appError('malformed-reply', 'unexpected data (state: expected string)') };
    pushes = [];
    for (let i = 0; i < 4; i++) await session.wake(true);
    const seen = new Set(pushes.map((p) => p.platform.health));
    expect(seen.has('unreachable')).toBe(false);
    expect(session.snapshot().platform.health).toBe('faulty');
    expect(seen.size).toBe(1);
  });
});

describe('a busy platform (000004)', () => {
  it('says the change is pending and retries it soon by itself', async () => {
    session = makeSession(60_000);
    await signIn();
    faults = { setState: appError('000004') };
    expect((await session.setState('busy/小休')).ok).toBe(false);
    expect(session.snapshot().pendingState).toBe('busy/小休');
    expect(session.snapshot().platform.nextRetryAt).not.toBeNull();
    faults = {};
    // The retry comes within the backoff's first step (about a second), not a keepalive period.
    await waitFor(
      () => emulator.store.agentStatus('agent_1')?.state === 'busy/小休',
      'retried',
      3_000,
    );
    await waitFor(() => session.snapshot().pendingState === null, 'no longer pending');
    expect(session.snapshot().state).toBe('busy/小休');
  });
});

describe('a state change the platform could not take', () => {
  // Unreachable, unreadable or busy: the agent's choice is kept and sent again by itself.
  for (const error of [
    appError('transport', 'connect ECONNREFUSED'),
    appError('http-error', 'HTTP 502 Bad Gateway'),
    appError('timeout', 'no answer in 2000 ms'),
    appError('malformed-reply', 'unexpected data (state: expected string)'),
    appError('000002'),
    appError('000004'),
  ]) {
    it(`is kept as pending and retried after ${error.code}`, async () => {
      await signIn();
      faults = { setState: error };
      const result = await session.setState('busy/小休');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe(error.code);
      expect(session.snapshot().pendingState).toBe('busy/小休');
      expect(session.snapshot().chosenState).toBe('busy/小休');
      expect(session.snapshot().platform.nextRetryAt).not.toBeNull();
    });
  }

  it('is kept, not sent, while the platform refuses the credentials (401), then applied', async () => {
    await signIn();
    // Chosen while the platform was away; its next keepalives are answered 401.
    faults = {
      setState: appError('transport', 'connect ECONNREFUSED'),
      keepalive: appError('auth-failed', 'HTTP 401'),
    };
    expect((await session.setState('busy/小休')).ok).toBe(false);
    await session.wake(true);
    await session.wake(true);
    expect(session.snapshot().platform.health).toBe('auth-failed');
    expect(session.snapshot().pendingState).toBe('busy/小休'); // the agent's choice is kept
    // Only the agent's own attempt: nothing is pushed against credentials that are refused.
    expect(calls.filter((m) => m === 'setState')).toHaveLength(1);
    faults = {}; // the credentials are fixed
    await session.wake(true);
    await waitFor(() => session.snapshot().pendingState === null, 'applied');
    expect(session.snapshot().state).toBe('busy/小休');
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('busy/小休');
  });

  it('is dropped when the platform refuses it (000001): nothing is retried', async () => {
    await signIn();
    faults = { setState: appError('000001') };
    const result = await session.setState('busy/小休');
    expect(result.ok).toBe(false);
    expect(session.snapshot().pendingState).toBeNull();
    expect(session.snapshot().state).toBe('idle');
    expect(session.snapshot().platform.nextRetryAt).toBeNull();
    // The platform works; it refused this change. The light stays green, the banner stays up
    // past the next keepalive (it is about the agent's click, not the platform's health).
    expect(session.snapshot().platform.health).toBe('ok');
    expect(session.snapshot().lastError?.code).toBe('000001');
    await session.wake(true);
    expect(session.snapshot().lastError?.code).toBe('000001');
  });

  it('an older pending choice is not sent after a newer one the platform refused', async () => {
    await signIn();
    // Chosen while the platform was away: kept, to be sent on its return.
    faults = { setState: appError('transport', 'connect ECONNREFUSED') };
    expect((await session.setState('busy/小休')).ok).toBe(false);
    expect(session.snapshot().pendingState).toBe('busy/小休');
    // The platform is back and refuses the agent's newer choice outright.
    faults = { setState: appError('000001') };
    expect((await session.setState('away/午休')).ok).toBe(false);
    expect(session.snapshot().pendingState).toBeNull();
    // A heal would sign in with the state in force before the dropped choice.
    expect(session.snapshot().chosenState).toBe('idle');
    faults = {};
    const sent = calls.filter((m) => m === 'setState').length;
    await session.wake(true);
    await session.wake(true);
    // The agent was told the newer choice failed; the older one does not come back by itself.
    expect(calls.filter((m) => m === 'setState')).toHaveLength(sent);
    expect(session.snapshot().state).toBe('idle');
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('idle');
  });

  it('a state the pickers could not offer is answered, with no banner', async () => {
    await signIn();
    const result = await session.setState('sleeping');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid-input');
    expect(session.snapshot().lastError).toBeNull();
    expect(calls).not.toContain('setState');
  });

  it('choosing the state the agent is already in keeps its time in state', async () => {
    await signIn();
    expect((await session.setState('busy/小休')).ok).toBe(true);
    const since = session.snapshot().stateSince;
    await new Promise((r) => setTimeout(r, 5));
    expect((await session.setState('busy/小休')).ok).toBe(true);
    expect(session.snapshot().stateSince).toBe(since);
  });
});

describe('bad input at sign-in', () => {
  // What the agent typed is refused here with what is wrong (an English window shows the
  // message after "The input is not valid."), and the platform is never asked.
  const refused = async (profile: Record<string, unknown>, message: RegExp) => {
    const result = await session.signIn({ name: 'agent_1', extension: EXT, ...profile });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.message).toMatch(message);
    }
    expect(calls).toEqual([]);
    expect(session.snapshot().phase).toBe('signed-out');
    // The form shows the answer; no banner is raised for it.
    expect(session.snapshot().lastError).toBeNull();
  };

  it('a name that is not 1–32 letters, digits or _', () =>
    refused({ name: 'has space' }, /^name: at most 32 letters, digits or _$/));
  it('an extension of only spaces', () => refused({ extension: '   ' }, /^extension: required$/));
  it('an agent number with other than digits', () => refused({ num: '12a' }, /^num: digits only$/));
  it('a starting state that does not exist', () =>
    refused({ initialState: 'sleeping' }, /^state: unknown state "sleeping"$/));
  it('a starting state nobody may choose', () =>
    refused({ initialState: 'talking/x' }, /^state: "talking" cannot be chosen here$/));
  it('a reason the platform would not take', () =>
    refused({ initialState: `busy/${'x'.repeat(257)}` }, /^reason: too-long$/));

  it('an empty agent number is no number: sign-in goes ahead without one', async () => {
    const result = await session.signIn({ name: 'agent_1', extension: EXT, num: '' });
    expect(result.ok).toBe(true);
    expect(emulator.store.agentStatus('agent_1')?.num).toBeNull();
  });

  it('an agent number and skills given at sign-in reach the platform', async () => {
    const result = await session.signIn({
      name: 'agent_1',
      extension: EXT,
      num: '1234',
      skills: [{ name: '投诉', score: 3 }],
    });
    expect(result.ok).toBe(true);
    const agent = emulator.store.agentStatus('agent_1');
    expect(agent?.num).toBe('1234');
    expect(agent?.skills.map((s) => s.name)).toEqual(['投诉']);
  });
});

describe('the force-sign-out question', () => {
  it('goes away when a read-back shows the agent no longer in a call', async () => {
    await signIn();
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    expect((await session.signOut(false)).ok).toBe(false);
    expect(session.snapshot().question?.kind).toBe('force-sign-out');
    emulator.store.forceState('agent_1', 'idle');
    await session.refresh();
    expect(session.snapshot().question).toBeNull();
    expect(session.snapshot().phase).toBe('signed-in');
  });
});

describe('a heal', () => {
  it('restores the skills as edited during the session, not those of sign-in', async () => {
    await signIn('idle', [{ name: 'sales', score: 10 }]);
    const edit = await session.editSkills([
      { opt: 1, name: 'support', score: 50, enabled: true },
      { opt: 2, name: 'sales' },
    ]);
    expect(edit.ok).toBe(true);
    emulator.store.reset(); // the platform forgets the agent: the next keepalive heals
    await session.wake(true);
    expect(session.snapshot().phase).toBe('signed-in');
    const agent = emulator.store.agentStatus('agent_1');
    expect(agent?.skills.map((s) => s.name)).toEqual(['support']);
    expect(agent?.state).toBe('idle');
  });
});

describe('skill and extension changes', () => {
  const EXT2 = DEMO_EXTENSIONS[1]!.id;
  const EXT3 = DEMO_EXTENSIONS[2]!.id;
  const platformAgent = () => emulator.store.agentStatus('agent_1');

  it('a skill edit the platform refuses answers with its error, and a heal restores none of it', async () => {
    await signIn('idle', [{ name: 'sales', score: 10 }]);
    faults = { editSkills: appError('000001') };
    const edit = await session.editSkills([{ opt: 1, name: 'support', score: 50, enabled: true }]);
    expect(edit.ok).toBe(false);
    if (!edit.ok) expect(edit.error.code).toBe('000001');
    faults = {};
    emulator.store.reset();
    await session.wake(true);
    expect(platformAgent()?.skills.map((s) => s.name)).toEqual(['sales']);
  });

  it('a heal keeps the skills of sign-in that an edit left alone', async () => {
    await signIn('idle', [{ name: 'sales', score: 10 }]);
    faults = { getAgent: appError('transport', 'connect ECONNREFUSED') };
    const edit = await session.editSkills([{ opt: 1, name: 'support', score: 50, enabled: true }]);
    expect(edit.ok).toBe(true);
    faults = {};
    emulator.store.reset();
    await session.wake(true);
    expect(
      platformAgent()
        ?.skills.map((s) => s.name)
        .sort(),
    ).toEqual(['sales', 'support']);
  });

  it('an extension change the platform refuses keeps the bound extension', async () => {
    await signIn();
    faults = { setExtension: appError('040104') };
    const change = await session.setExtension(EXT2);
    expect(change.ok).toBe(false);
    if (!change.ok) expect(change.error.code).toBe('040104');
    expect(session.snapshot().profile?.extension).toBe(EXT);
    expect(platformAgent()?.extension).toBe(EXT);
  });

  it('asked for while signed out, they say so and send nothing', async () => {
    for (const answer of [
      await session.editSkills([{ opt: 2, name: 'sales' }]),
      await session.setExtension(EXT2),
      await session.refresh(),
    ]) {
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('not-signed-in');
    }
    expect(calls).toEqual([]);
    expect(await session.boundExtension()).toBeNull();
    // The answer says it; the sign-in screen gets no banner for it.
    expect(session.snapshot().lastError).toBeNull();
  });

  it('a read-back while our own extension change is answered is no takeover', async () => {
    await signIn();
    let release = () => {};
    holds = { setExtension: new Promise<void>((done) => (release = done)) };
    const change = session.setExtension(EXT2);
    // The platform has bound the new extension; its answer has not reached the desktop yet.
    await waitFor(() => platformAgent()?.extension === EXT2, 'the platform bound EXT2');
    await session.refresh();
    expect(session.snapshot().phase).toBe('signed-in');
    release();
    expect((await change).ok).toBe(true);
    expect(session.snapshot().profile?.extension).toBe(EXT2);
    const bound = await session.boundExtension();
    expect(bound?.ok && bound.value.id).toBe(EXT2);
  });

  it('once the change is done, another extension on the platform is a takeover again', async () => {
    await signIn();
    expect((await session.setExtension(EXT2)).ok).toBe(true);
    // Another desktop binds a third extension to the name.
    const other = emulatorClient(emulator);
    expect((await other.setExtension('agent_1', EXT3)).ok).toBe(true);
    await session.refresh();
    expect(session.snapshot().phase).toBe('signed-out');
    expect(session.snapshot().lastError?.code).toBe('040201');
  });
});

describe('a refresh', () => {
  it('says when the platform cannot be read, and is fine again once it can', async () => {
    await signIn();
    faults = { getAgent: appError('transport', 'connect ECONNREFUSED') };
    const failed = await session.refresh();
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('transport');
    faults = {};
    expect((await session.refresh()).ok).toBe(true);
    expect(session.snapshot().phase).toBe('signed-in');
  });

  it('answers ok while an earlier refusal is still shown, when the platform reads fine', async () => {
    await signIn();
    faults = { setState: appError('000001') };
    expect((await session.setState('busy/小休')).ok).toBe(false);
    faults = {};
    expect((await session.refresh()).ok).toBe(true);
  });
});

describe('a read-back that was in flight across a change', () => {
  const ringing = {
    id: 'c1',
    caller: '139',
    phase: 'ringing' as const,
    ringingSince: Date.now(),
    talkingSince: null,
    muted: false,
  };

  it('does not take back the ringing state of a call that arrived meanwhile', async () => {
    await signIn();
    let release = () => {};
    holds = { getAgent: new Promise<void>((done) => (release = done)) };
    const read = session.refresh(); // the platform answers "idle"; the answer is on its way
    await waitFor(() => calls.includes('getAgent'), 'the read-back sent');
    session.showCall(ringing, 'fetching');
    release();
    await read;
    expect(session.snapshot().state).toBe('fetching');
    expect(session.snapshot().call?.id).toBe('c1');
  });

  it('does not overwrite the state a withdrawn call gave back', async () => {
    await signIn();
    session.showCall(ringing, 'fetching');
    emulator.store.forceState('agent_1', 'busy');
    let release = () => {};
    holds = { getAgent: new Promise<void>((done) => (release = done)) };
    const read = session.refresh(); // reads "busy" before the call is withdrawn
    await waitFor(() => calls.includes('getAgent'), 'the read-back sent');
    session.withdrawCall({ state: 'idle', stateSince: 1 });
    release();
    await read;
    expect(session.snapshot()).toMatchObject({ state: 'idle', stateSince: 1, call: null });
  });

  it('once a state change is answered, read-backs show the platform’s state again', async () => {
    await signIn();
    expect((await session.setState('busy/小休')).ok).toBe(true);
    emulator.store.forceState('agent_1', 'talking'); // the platform connects a call
    await session.refresh();
    expect(session.snapshot().state).toBe('talking');
  });
});

describe('a heal', () => {
  it('stops at once when someone else signed in with the name (040201)', async () => {
    await signIn();
    faults = { keepalive: appError('040202'), login: appError('040201') };
    calls.length = 0;
    await session.wake(true);
    expect(session.snapshot().phase).toBe('signed-out');
    expect(session.snapshot().lastError?.code).toBe('040201');
    expect(calls.filter((m) => m === 'login')).toHaveLength(1);
  });

  it('gives up after three refusals, never after transient failures', async () => {
    await signIn();
    faults = { keepalive: appError('040202'), login: appError('transport', 'ECONNREFUSED') };
    for (let i = 0; i < 5; i++) await session.wake(true);
    expect(session.snapshot().phase).toBe('restoring');
    faults = { login: appError('040103') };
    await session.wake(true);
    await session.wake(true);
    expect(session.snapshot().phase).toBe('restoring');
    await session.wake(true);
    expect(session.snapshot().phase).toBe('signed-out');
    expect(session.snapshot().lastError?.code).toBe('040103');
  });
});

describe('a state chosen while the platform was down', () => {
  it('is dropped, not pushed into a call the platform connected meanwhile', async () => {
    await signIn();
    faults = { setState: appError('transport', 'ECONNREFUSED') };
    expect((await session.setState('busy/小休')).ok).toBe(false);
    expect(session.snapshot().pendingState).toBe('busy/小休');
    faults = {};
    emulator.store.forceState('agent_1', 'talking');
    calls.length = 0;
    await session.wake(true);
    expect(session.snapshot().state).toBe('talking');
    expect(session.snapshot().pendingState).toBeNull();
    expect(calls).not.toContain('setState');
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('talking');
  });

  it('is sent when the platform is back, and shown as the agent’s choice', async () => {
    await signIn();
    faults = { setState: appError('transport', 'ECONNREFUSED') };
    expect((await session.setState('busy/小休')).ok).toBe(false);
    faults = {};
    await session.wake(true);
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('busy/小休');
    expect(session.snapshot()).toMatchObject({
      state: 'busy/小休',
      chosenState: 'busy/小休',
      pendingState: null,
    });
  });

  it('a read-back that finds the platform moved the agent does not make it their choice', async () => {
    await signIn();
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    expect(session.snapshot()).toMatchObject({ state: 'talking', chosenState: 'idle' });
  });
});

describe('what the platform refuses is on the banner', () => {
  it('a sign-out the platform cannot take: still signed in, and the banner says why', async () => {
    await signIn();
    faults = { logout: appError('000002') };
    const result = await session.signOut(false);
    expect(result.ok).toBe(false);
    expect(session.snapshot().phase).toBe('signed-in');
    expect(session.snapshot().lastError?.code).toBe('000002');
  });

  it('a sign-in the platform refuses', async () => {
    faults = { login: appError('040104') };
    expect((await session.signIn({ name: 'agent_1', extension: EXT })).ok).toBe(false);
    expect(session.snapshot().phase).toBe('signed-out');
    expect(session.snapshot().lastError?.code).toBe('040104');
  });
});

describe('the SIP line drops', () => {
  const sipIn = (state: 'registered' | 'backing-off') => ({
    ...session.snapshot().sip,
    state,
  });

  it('the platform is asked at once, so its light does not say OK while it is gone too', async () => {
    await signIn();
    session.setSipStatus(sipIn('registered'));
    faults = { getAgent: appError('transport', 'connect ENETUNREACH') };
    calls.length = 0;
    session.setSipStatus(sipIn('backing-off'));
    await waitFor(() => session.snapshot().platform.health === 'unreachable', 'shown unreachable');
    expect(calls).toEqual(['getAgent']);
    // With when it tries again, as after a failed keepalive.
    expect(session.snapshot().platform.nextRetryAt).not.toBeNull();
    // A line that flaps does not make a request of every drop.
    session.setSipStatus(sipIn('registered'));
    session.setSipStatus(sipIn('backing-off'));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual(['getAgent']);
  });

  it('a line that was never up, or a signed-out session, asks nothing', async () => {
    session.setSipStatus(sipIn('registered'));
    session.setSipStatus(sipIn('backing-off'));
    await signIn();
    calls.length = 0;
    session.setSipStatus(sipIn('backing-off'));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([]);
  });
});
