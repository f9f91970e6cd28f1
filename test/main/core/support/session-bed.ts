/**
 * One AgentSession on a fresh emulator, with a tweakable platform: the bed the lost-reply and
 * retry tests share. `failOnce` makes the next request of a kind fail (after the platform applied
 * it, when `applied`: the reply was lost on the way back).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../../src/emulator/index';
import { emulatorSession } from './emulator-session';
import { tweakedPlatform, untweak } from './tweaked-platform';
import type { Method, Tweak } from './tweaked-platform';
import type { AgentSession, SessionOptions } from '../../../../src/main/core/session';
import type { AppError } from '../../../../src/shared/domain/errors';
import type { RunningEmulator } from '../../../../src/emulator/index';

export const EXT = DEMO_EXTENSIONS[0]!.id;
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Bed {
  emulator: RunningEmulator;
  session: AgentSession;
  tweak: Partial<Record<Method, Tweak>>;
  /** Requests sent to the platform, by method, since the bed started (tweaked ones too). */
  sent: Partial<Record<Method, number>>;
}

/** Registers the bed's set-up and tear-down; `bed()` gives the current test's. */
export function useSessionBed(options: Partial<SessionOptions> = {}): () => Bed {
  let current: Bed | null = null;
  beforeEach(async () => {
    const emulator = await startEmulator({ port: 0, auth: 'generate' });
    const t = tweakedPlatform(emulator);
    const sent: Partial<Record<Method, number>> = {};
    const counted = new Proxy(t.platform, {
      get(target, key: string) {
        const real = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!;
        return (...args: unknown[]) => {
          sent[key as Method] = (sent[key as Method] ?? 0) + 1;
          return real(...args);
        };
      },
    });
    const session = emulatorSession(emulator, counted, { random: () => 0, ...options });
    current = { emulator, session, tweak: t.tweak, sent };
  });
  afterEach(async () => {
    if (!current) return;
    untweak(current.tweak);
    await current.session.shutdown(1000);
    await current.emulator.close();
    current = null;
  });
  return () => current!;
}

/** The agent's state on the platform (null: not logged in there). */
export const platformState = (b: Bed) => b.emulator.store.agentStatus('agent_1')?.state ?? null;

export async function signIn(b: Bed, initialState = 'idle'): Promise<void> {
  const result = await b.session.signIn({ name: 'agent_1', extension: EXT, initialState });
  expect(result.ok).toBe(true);
}

/** The next `m` request fails with `error`; `applied`: the platform took it, the reply was lost. */
export function failOnce(b: Bed, m: Method, error: AppError, applied = false): void {
  b.tweak[m] = async (real) => {
    delete b.tweak[m];
    if (applied) await real();
    return { ok: false, error };
  };
}

/** Every `m` request fails with `error` until untweaked, unsent. */
export function failAlways(b: Bed, m: Method, error: AppError): void {
  b.tweak[m] = async () => ({ ok: false, error });
}
