/** Editing the agent's skills, against the emulator: what the skills editor shows after a save. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorSession } from './support/emulator-session';
import { tweakedPlatform, untweak } from './support/tweaked-platform';
import { appError } from '../../../src/shared/domain/errors';
import type { Method, Tweak } from './support/tweaked-platform';
import type { AgentSession } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';

let emulator: RunningEmulator;
let session: AgentSession;
let tweak: Partial<Record<Method, Tweak>>;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  const tweaked = tweakedPlatform(emulator);
  tweak = tweaked.tweak;
  session = emulatorSession(emulator, tweaked.platform);
});
afterEach(async () => {
  untweak(tweak);
  await session.shutdown(1000);
  await emulator.close();
});

describe('a skills edit', () => {
  it('shows the saved skills even when the read-back after the save fails', async () => {
    const extension = DEMO_EXTENSIONS[0]!.id;
    expect((await session.signIn({ name: 'agent_1', extension, initialState: 'idle' })).ok).toBe(
      true,
    );
    tweak.getAgent = async () => ({
      ok: false,
      error: appError('timeout', 'no reply within 10000 ms'),
    });
    const saved = await session.editSkills([{ opt: 1, name: 'vip', score: 5, enabled: true }]);
    expect(saved.ok).toBe(true); // the window says "skills saved"
    // ...and the editor (which shows snapshot.agent.skills) shows the saved skill.
    expect(session.snapshot().agent?.skills).toContainEqual({
      name: 'vip',
      score: 5,
      enabled: true,
    });
  });
});
