/**
 * Changing the bound extension, against the emulator: a change whose reply is lost, two windows
 * changing it at about the same time, and a change whose read-back fails. The agent stays signed
 * in on the extension the platform has, and the window shows it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorSession } from './support/emulator-session';
import { tweakedPlatform, untweak } from './support/tweaked-platform';
import { appError, describeError } from '../../../src/shared/domain/errors';
import { waitFor } from '../../support/wait';
import type { Method, Tweak } from './support/tweaked-platform';
import type { AgentSession } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';

const [EXT1, EXT2, EXT3] = [DEMO_EXTENSIONS[0]!, DEMO_EXTENSIONS[1]!, DEMO_EXTENSIONS[2]!];
const TIMEOUT = { ok: false, error: appError('timeout', 'no reply within 10000 ms') };

let emulator: RunningEmulator;
let session: AgentSession;
let tweak: Partial<Record<Method, Tweak>>;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  const tweaked = tweakedPlatform(emulator);
  tweak = tweaked.tweak;
  session = emulatorSession(emulator, tweaked.platform);
  const signed = await session.signIn({
    name: 'agent_1',
    extension: EXT1.id,
    initialState: 'idle',
  });
  expect(signed.ok).toBe(true);
});
afterEach(async () => {
  untweak(tweak);
  await session.shutdown(1000);
  await emulator.close();
});

/** The extension the window shows ("current extension: …" reads agent.extension first). */
const shownExtension = () => {
  const snap = session.snapshot();
  return snap.agent?.extension ?? snap.profile?.extension;
};

/** The platform applies the change, and its reply is lost (a 10 s timeout on a slow link). */
const applyAndLoseReply: Tweak = async (real) => {
  await real();
  return TIMEOUT;
};

describe('an extension change whose reply is lost', () => {
  it('shows the change made when the platform has it, and the agent stays signed in', async () => {
    tweak.setExtension = applyAndLoseReply;
    const changed = await session.setExtension(EXT2.id);
    // Read back at once: the platform has EXT2, so the window says "extension changed".
    expect(changed.ok).toBe(true);
    expect(shownExtension()).toBe(EXT2.id);
    untweak(tweak);
    await session.wake(false);
    const snap = session.snapshot();
    expect(snap.phase).toBe('signed-in');
    expect(snap.lastError).toBeNull();
    expect(snap.profile?.extension).toBe(EXT2.id);
    expect(snap.takeover).toBeNull();
  });

  it('keeps the agent signed in when the next keepalive reads the new extension back', async () => {
    tweak.setExtension = applyAndLoseReply;
    tweak.getAgent = async () => TIMEOUT; // the read-back right after is lost too
    const changed = await session.setExtension(EXT2.id);
    expect(changed.ok).toBe(false);
    // Nothing sends the change again: the answer does not say the app will retry.
    if (!changed.ok) {
      for (const language of ['en', 'zh-CN'] as const) {
        expect(describeError(changed.error, language)).not.toMatch(/retry|重试/i);
      }
    }
    untweak(tweak);
    // The next keepalive round reads the agent back: on EXT2, as the agent asked.
    await session.wake(false);
    const snap = session.snapshot();
    // Not thrown out with "already signed in elsewhere" (040201) for their own change.
    expect(snap.lastError?.code).not.toBe('040201');
    expect(snap.phase).toBe('signed-in');
    expect(snap.takeover).toBeNull();
    expect(snap.profile?.extension).toBe(EXT2.id);
    expect(shownExtension()).toBe(EXT2.id);
    // Still the one login: signing out and in again is not refused as a login elsewhere.
    expect((await session.signOut(false)).ok).toBe(true);
    const again = await session.signIn({
      name: 'agent_1',
      extension: EXT2.id,
      initialState: 'idle',
    });
    expect(again.ok ? 'ok' : again.error.code).toBe('ok');
  });

  it('says the extension did not change, without promising a retry, when the platform never got it', async () => {
    tweak.setExtension = async () => TIMEOUT; // lost on the way: the platform keeps EXT1
    const changed = await session.setExtension(EXT2.id);
    expect(changed.ok).toBe(false);
    if (!changed.ok) {
      for (const language of ['en', 'zh-CN'] as const) {
        expect(describeError(changed.error, language)).not.toMatch(/will retry|自动重试|将自动/i);
      }
    }
    untweak(tweak);
    await session.wake(false);
    const snap = session.snapshot();
    expect(snap.phase).toBe('signed-in');
    expect(snap.lastError).toBeNull();
    expect(shownExtension()).toBe(EXT1.id);
    expect(emulator.store.getAgent('agent_1').data?.extension).toBe(EXT1.id);
  });
});

describe('two windows change the extension at about the same time', () => {
  /** Each change reaches the platform at once; its reply waits for the test's gate. */
  function gatedReplies(): Map<string, () => void> {
    const gates = new Map<string, () => void>();
    tweak.setExtension = async (real, args) => {
      const answer = await real();
      await new Promise<void>((resolve) => gates.set(args[1] as string, resolve));
      return answer;
    };
    return gates;
  }

  it('stays signed in on the later extension when the replies come back in order', async () => {
    const gates = gatedReplies();
    // Window A asks for EXT2, window B for EXT3; the platform applies both, in that order.
    const a = session.setExtension(EXT2.id);
    await waitFor(() => gates.has(EXT2.id), 'EXT2 applied');
    const b = session.setExtension(EXT3.id);
    await waitFor(() => gates.has(EXT3.id), 'EXT3 applied');
    gates.get(EXT2.id)!(); // A's reply arrives first; B's is still on its way
    await a;
    gates.get(EXT3.id)!();
    await b;
    const snap = session.snapshot();
    expect(snap.lastError?.code).not.toBe('040201');
    expect(snap.phase).toBe('signed-in');
    expect(snap.takeover).toBeNull();
    expect(snap.profile?.extension).toBe(EXT3.id);
    expect(shownExtension()).toBe(EXT3.id);
  });

  it('stays signed in on the extension the platform applied last when the replies cross', async () => {
    const gates = gatedReplies();
    const a = session.setExtension(EXT2.id);
    await waitFor(() => gates.has(EXT2.id), 'EXT2 applied');
    const b = session.setExtension(EXT3.id);
    await waitFor(() => gates.has(EXT3.id), 'EXT3 applied');
    gates.get(EXT3.id)!(); // B's reply overtakes A's
    await b;
    gates.get(EXT2.id)!();
    await a;
    const snap = session.snapshot();
    expect(snap.phase).toBe('signed-in');
    expect(snap.takeover).toBeNull();
    expect(snap.lastError?.code).not.toBe('040201');
    expect(snap.profile?.extension).toBe(EXT3.id);
    expect(shownExtension()).toBe(EXT3.id);
  });
});

describe('an extension change whose read-back fails', () => {
  it('shows the new extension the platform confirmed', async () => {
    tweak.getAgent = async () => TIMEOUT;
    const changed = await session.setExtension(EXT2.id);
    expect(changed.ok).toBe(true); // the window says "extension changed"
    expect(shownExtension()).toBe(EXT2.id);
  });
});
