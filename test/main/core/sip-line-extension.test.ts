/**
 * The SIP line follows an extension change, against the emulator: it moves to the new extension,
 * not while a call is on it, and it does not stay registered on the old one when the new one's
 * record cannot be read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorSession } from './support/emulator-session';
import { tweakedPlatform, untweak } from './support/tweaked-platform';
import { fakeSipLine } from './support/fake-sip-line';
import { appError } from '../../../src/shared/domain/errors';
import { bindSipLine } from '../../../src/main/core/sip-binding';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { waitFor, waitForSteady } from '../../support/wait';
import type { FakeSipLine } from './support/fake-sip-line';
import type { Method, Tweak } from './support/tweaked-platform';
import type { AgentSession } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';

const [EXT1, EXT2] = [DEMO_EXTENSIONS[0]!, DEMO_EXTENSIONS[1]!];
const RESET = { ok: false, error: appError('transport', 'ECONNRESET') };

let emulator: RunningEmulator;
let session: AgentSession;
let tweak: Partial<Record<Method, Tweak>>;
let line: FakeSipLine;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  const tweaked = tweakedPlatform(emulator);
  tweak = tweaked.tweak;
  session = emulatorSession(emulator, tweaked.platform);
  line = fakeSipLine();
  bindSipLine(session, line, () => ({
    settings: { ...DEFAULT_SETTINGS },
    sipPassword: null,
    platformWsUrl: 'ws://127.0.0.1:1',
    envWsUrl: null,
  }));
  const signed = await session.signIn({
    name: 'agent_1',
    extension: EXT1.id,
    initialState: 'idle',
  });
  expect(signed.ok).toBe(true);
  await waitFor(() => line.registeredAs() === EXT1.sipUser, 'registered on EXT1');
});
afterEach(async () => {
  untweak(tweak);
  await session.shutdown(1000);
  await emulator.close();
});

describe('the SIP line after an extension change', () => {
  it('moves to the new extension', async () => {
    expect((await session.setExtension(EXT2.id)).ok).toBe(true);
    await waitFor(() => line.registeredAs() === EXT2.sipUser, 'registered on EXT2');
  });

  it('unregisters the old extension when the new one cannot be read', async () => {
    // The new extension's record cannot be read (refused / unreachable for that request).
    tweak.getExtension = async (real, args) => (args[0] === EXT2.id ? RESET : real());
    expect((await session.setExtension(EXT2.id)).ok).toBe(true);
    // The platform now routes this agent to EXT2 and has released EXT1.
    expect(emulator.store.getAgent('agent_1').data?.extension).toBe(EXT2.id);
    await waitForSteady(() => [line.started.length, line.stops()], 'the line settled');
    // EXT1 is free for a colleague to bind, whose calls would then ring on this desktop.
    expect(line.registeredAs()).toBeNull();
    expect(line.started).toHaveLength(1);
    expect(session.snapshot().sip.lastError?.code).toBe('transport');
  });

  it('moves once the new extension can be read again (a blip, not a lasting refusal)', async () => {
    let failures = 0;
    tweak.getExtension = async (real, args) =>
      args[0] === EXT2.id && failures++ < 2 ? RESET : real();
    expect((await session.setExtension(EXT2.id)).ok).toBe(true);
    await waitForSteady(() => failures, 'the binding gave up for now');
    // Keepalive rounds go by with the platform answering fine.
    for (let i = 0; i < 3; i++) await session.wake(false);
    await waitForSteady(() => line.started.length, 'the line settled');
    expect(line.registeredAs()).toBe(EXT2.sipUser);
  });

  it('keeps a call that rings while the change is on its way, and moves when it ends', async () => {
    let answer: () => void = () => undefined;
    tweak.setExtension = async (real) => {
      const result = await real();
      await new Promise<void>((resolve) => (answer = resolve));
      return result;
    };
    const changing = session.setExtension(EXT2.id); // allowed: no call yet
    await waitFor(() => emulator.store.getAgent('agent_1').data?.extension === EXT2.id, 'applied');
    // A colleague dials the agent's extension straight: it rings on the old line now.
    const now = Date.now();
    const call = {
      id: 'c1',
      caller: '800009',
      phase: 'ringing' as const,
      ringingSince: now,
      talkingSince: null,
      muted: false,
    };
    session.showCall(call, 'fetching');
    answer();
    expect((await changing).ok).toBe(true);
    session.showCall({ ...call, phase: 'talking', talkingSince: Date.now() }, 'talking');
    await waitForSteady(() => line.started.length, 'the line settled');
    // Restarting the line on another account would drop the old registration and the call.
    expect(session.snapshot().call?.id).toBe('c1');
    expect(line.registeredAs()).toBe(EXT1.sipUser);
    expect(line.stops()).toBe(0);
    // The call ends: the line moves to the extension the platform routes to now.
    session.endCall(null);
    await waitFor(() => line.registeredAs() === EXT2.sipUser, 'registered on EXT2');
  });
});
