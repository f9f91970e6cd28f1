/**
 * One command, one push: the window and the tray hear about a command once, when it is done,
 * and never hear "nothing changed". Against the emulator over HTTP, as the app talks to it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import type { AgentSession } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { CallInfo, SessionSnapshot } from '../../../src/shared/snapshot';

const EXT = DEMO_EXTENSIONS[0]!.id;
let emulator: RunningEmulator;
let session: AgentSession;
let pushes: SessionSnapshot[];

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  // The helper's keepalive never runs by itself: every push counted comes from the command.
  session = emulatorSession(emulator, emulatorClient(emulator));
  pushes = [];
  session.onChange((snapshot) => pushes.push(snapshot));
});

afterEach(async () => {
  await session.shutdown(1000);
  await emulator.close();
});

describe('one command sends one push', () => {
  it('a sign-in sends one push, with the signed-in agent read back', async () => {
    expect(
      (await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' })).ok,
    ).toBe(true);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ phase: 'signed-in', state: 'idle' });
    expect(pushes[0]!.agent?.extension).toBe(EXT);
    expect(pushes[0]).toBe(session.snapshot());
  });

  it('a state click sends one push; a command that changes nothing sends none', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    pushes = [];
    expect((await session.setState('busy/小休')).ok).toBe(true);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ state: 'busy/小休', chosenState: 'busy/小休' });
    // Nothing to dismiss: nothing changed, so nothing is pushed.
    session.dismissQuestion();
    session.setMicrophone('unknown');
    expect(pushes).toHaveLength(1);
    // A read-back that finds nothing new sends nothing (the platform's acknowledgement time,
    // shown nowhere, moves in main and goes out with the next real change).
    await session.refresh();
    const settled = pushes.length;
    const ackBefore = session.snapshot().platform.lastAckAt!;
    await new Promise((r) => setTimeout(r, 5));
    await session.refresh();
    expect(pushes).toHaveLength(settled);
    expect(session.snapshot().platform.lastAckAt).toBeGreaterThan(ackBefore);
  });

  it('what a read-back is followed up with goes out in the read-back’s push', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    session.addMissed({
      id: 'c1',
      caller: '139',
      at: Date.now(),
      reason: 'timeout',
      stateAfter: null,
    });
    pushes = [];
    emulator.store.forceState('agent_1', 'busy');
    await session.refresh(() => session.setMissedStateAfter('c1', session.snapshot().state!));
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ state: 'busy', missed: [{ id: 'c1', stateAfter: 'busy' }] });
  });

  it('news held for the read-back after it (a call’s end) goes out with it, or alone after the cap', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    const offer = (id: string) => ({
      id,
      caller: '139',
      at: Date.now(),
      reason: 'caller-gave-up' as const,
      stateAfter: null,
    });
    pushes = [];
    emulator.store.forceState('agent_1', 'busy');
    await session.holdPushes(async () => {
      session.addMissed(offer('c1'));
      await session.refresh(() => session.setMissedStateAfter('c1', session.snapshot().state!));
    }, 5_000);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ state: 'busy', missed: [{ id: 'c1', stateAfter: 'busy' }] });
    // A read-back that does not come back (a slow platform) holds the news no longer than asked.
    pushes = [];
    const started = Date.now();
    await session.holdPushes(async () => {
      session.addMissed(offer('c2'));
      await new Promise(() => {});
    }, 50);
    expect(pushes.map((p) => p.missed[0]?.id)).toEqual(['c2']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a refused command sends at most one push', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    pushes = [];
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    pushes = [];
    expect((await session.signOut(false)).ok).toBe(false);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.question?.kind).toBe('force-sign-out');
  });
});

describe('the missed list’s version (pushes to the window leave out a list it holds)', () => {
  const ringing = (id: string): CallInfo => ({
    id,
    caller: '139',
    phase: 'ringing',
    ringingSince: Date.now(),
    talkingSince: null,
    muted: false,
  });

  it('moves with every change to the list and with nothing else', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    const start = session.snapshot().missedVersion;
    const offer = { id: 'c1', caller: '139', at: Date.now(), reason: 'timeout' as const };
    session.addMissed({ ...offer, stateAfter: null });
    expect(session.snapshot()).toMatchObject({ missedVersion: start + 1, missed: [{ id: 'c1' }] });
    session.setMissedStateAfter('c1', 'idle');
    expect(session.snapshot()).toMatchObject({
      missedVersion: start + 2,
      missed: [{ id: 'c1', stateAfter: 'idle' }],
    });
    session.showCall(ringing('c2'), 'fetching');
    expect(session.snapshot().missedVersion).toBe(start + 2);
    session.endCall({ ...offer, id: 'c2', stateAfter: null });
    expect(session.snapshot()).toMatchObject({
      missedVersion: start + 3,
      missed: [{ id: 'c2' }, { id: 'c1' }],
    });
    // Not on the list, state clicks, calls ending answered: the list and its version stay.
    session.setMissedStateAfter('nope', 'busy');
    await session.setState('busy/小休');
    session.showCall(ringing('c3'), 'fetching');
    session.endCall(null);
    expect(session.snapshot().missedVersion).toBe(start + 3);
    expect(session.snapshot().missed.map((m) => m.id)).toEqual(['c2', 'c1']);
  });
});
