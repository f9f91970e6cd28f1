/**
 * The session's call side as the agent sees it: the missed list's length and rows, calls that
 * ring or end while signed out, the force-sign-out question, the SIP credentials and the
 * registrar's takeover clue. Against the emulator over HTTP, as the app talks to it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { MAX_MISSED } from '../../../src/main/core/session';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import type { AgentSession } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { CallInfo, MissedOffer, SessionSnapshot } from '../../../src/shared/snapshot';

const EXT = DEMO_EXTENSIONS[0]!.id;
let emulator: RunningEmulator;
let session: AgentSession;
let pushes: SessionSnapshot[];

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  session = emulatorSession(emulator, emulatorClient(emulator));
  pushes = [];
  session.onChange((snapshot) => pushes.push(snapshot));
});

afterEach(async () => {
  await session.shutdown(1000);
  await emulator.close();
});

const signIn = async () =>
  expect((await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' })).ok).toBe(
    true,
  );

const ringing = (id: string): CallInfo => ({
  id,
  caller: '139',
  phase: 'ringing',
  ringingSince: Date.now(),
  talkingSince: null,
  muted: false,
});

const missed = (id: string): MissedOffer => ({
  id,
  caller: '139',
  at: Date.now(),
  reason: 'timeout',
  stateAfter: null,
});

describe('the missed list', () => {
  it(`keeps the newest ${MAX_MISSED} rings, newest first, however they end`, async () => {
    await signIn();
    for (let i = 1; i <= MAX_MISSED; i++) session.addMissed(missed(`a${i}`));
    session.showCall(ringing('last'), 'fetching');
    session.endCall(missed('last'));
    expect(session.snapshot().missed).toHaveLength(MAX_MISSED);
    session.addMissed(missed('after'));
    const ids = session.snapshot().missed.map((m) => m.id);
    expect(ids).toHaveLength(MAX_MISSED);
    expect(ids.slice(0, 3)).toEqual(['after', 'last', `a${MAX_MISSED}`]);
    expect(ids.at(-1)).toBe('a3'); // a1 and a2, the oldest, made room
  });

  it('the state after a miss goes on that row only', async () => {
    await signIn();
    session.addMissed(missed('c1'));
    session.addMissed(missed('c2'));
    session.setMissedStateAfter('c1', 'busy/未接');
    expect(session.snapshot().missed).toMatchObject([
      { id: 'c2', stateAfter: null },
      { id: 'c1', stateAfter: 'busy/未接' },
    ]);
    // A row that is not there (already gone from the list) changes nothing.
    pushes = [];
    session.setMissedStateAfter('gone', 'idle');
    expect(pushes).toHaveLength(0);
  });
});

describe('calls around a sign-out', () => {
  it('a ring that reaches a signed-out session shows no call', async () => {
    session.showCall(ringing('c1'), 'fetching');
    expect(session.snapshot().call).toBeNull();
    expect(session.snapshot().state).toBeNull();
  });

  it('a call shown, then signed out under it, goes away and its miss is still listed', async () => {
    await signIn();
    session.showCall(ringing('c1'), 'fetching');
    emulator.store.forceState('agent_1', 'fetching');
    expect((await session.signOut(true)).ok).toBe(true);
    session.endCall(missed('c1'));
    expect(session.snapshot().call).toBeNull();
    expect(session.snapshot().missed.map((m) => m.id)).toEqual(['c1']);
  });
});

describe('the force-sign-out question', () => {
  it('is asked for a sign-out during a call, and goes when the agent dismisses it', async () => {
    await signIn();
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    expect((await session.signOut(false)).ok).toBe(false);
    expect(session.snapshot().question?.kind).toBe('force-sign-out');
    const answer = session.dismissQuestion();
    expect(answer.ok).toBe(true);
    expect(session.snapshot().question).toBeNull();
    expect(session.snapshot().phase).toBe('signed-in');
    expect(pushes.at(-1)!.question).toBeNull();
  });
});

describe('the SIP line', () => {
  it('gets the bound extension’s credentials only while signed in', async () => {
    expect(await session.boundExtension()).toBeNull();
    await signIn();
    const record = await session.boundExtension();
    expect(record?.ok && record.value.id).toBe(EXT);
    expect((await session.signOut(false)).ok).toBe(true);
    expect(await session.boundExtension()).toBeNull();
  });

  it('another device on the extension is a takeover only while signed in, and is named', async () => {
    const sip = session.snapshot().sip;
    session.setSipStatus({ ...sip, state: 'registered', newContacts: ['sip:a@x.invalid'] });
    expect(session.snapshot().takeover).toBeNull();
    await signIn();
    session.setSipStatus({
      ...sip,
      state: 'registered',
      newContacts: ['sip:a@x.invalid', 'sip:b@y.invalid'],
    });
    expect(session.snapshot().takeover).toMatchObject({
      clue: 'register',
      detail:
        'the registrar lists another device on this extension: sip:a@x.invalid, sip:b@y.invalid',
    });
  });

  it('another device during a call: said at once, this desktop steps back once the call is over', async () => {
    await signIn();
    session.showCall({ ...ringing('c1'), phase: 'talking' }, 'talking');
    const sip = session.snapshot().sip;
    session.setSipStatus({ ...sip, state: 'registered', newContacts: ['sip:a@x.invalid'] });
    // The window warns; the session (and so the call and the line) stays until the call ends.
    expect(session.snapshot()).toMatchObject({
      phase: 'signed-in',
      takeover: { clue: 'register' },
      call: { id: 'c1' },
    });
    session.endCall(null);
    expect(session.snapshot()).toMatchObject({
      phase: 'signed-out',
      takeover: { clue: 'register' },
      call: null,
    });
  });
});

describe('clearing the missed list', () => {
  it('empties it in one push, with a new version; an empty list sends nothing', async () => {
    await signIn();
    session.addMissed(missed('c1'));
    session.addMissed(missed('c2'));
    const version = session.snapshot().missedVersion;
    pushes = [];
    expect(session.clearMissed().ok).toBe(true);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ missed: [], missedVersion: version + 1 });
    expect(session.clearMissed().ok).toBe(true);
    expect(pushes).toHaveLength(1);
  });
});
