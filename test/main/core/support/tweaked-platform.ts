/**
 * The emulator's platform client, wrapped so a test can change what one method does: a request
 * can reach the platform and still lose its reply (a timeout after the platform applied it), be
 * refused, or wait for the test before its reply arrives.
 */
import { emulatorClient } from './emulator-session';
import type { SessionPlatform } from '../../../../src/main/core/session';
import type { RunningEmulator } from '../../../../src/emulator/index';

export type Method = keyof SessionPlatform;
/** What to do instead of the real request (`real` sends it and gives the platform's answer). */
export type Tweak = (real: () => Promise<unknown>, args: unknown[]) => Promise<unknown>;

/** Every request the session makes of the platform. */
export const PLATFORM_METHODS: Method[] = [
  'login',
  'logout',
  'keepalive',
  'getAgent',
  'listAgents',
  'setState',
  'setExtension',
  'editSkills',
  'getExtension',
  'listExtensions',
];

/** The platform and the tweaks it reads at each request (empty: the emulator as it is). */
export function tweakedPlatform(emulator: RunningEmulator): {
  platform: SessionPlatform;
  tweak: Partial<Record<Method, Tweak>>;
} {
  const client = emulatorClient(emulator);
  const tweak: Partial<Record<Method, Tweak>> = {};
  const out: Record<string, unknown> = {};
  for (const m of PLATFORM_METHODS) {
    out[m] = (...args: unknown[]) => {
      const real = () => (client[m] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
      const t = tweak[m];
      return t ? t(real, args) : real();
    };
  }
  return { platform: out as unknown as SessionPlatform, tweak };
}

/** Clears every tweak: the emulator answers as it is again. */
export function untweak(tweak: Partial<Record<Method, Tweak>>): void {
  for (const m of Object.keys(tweak) as Method[]) delete tweak[m];
}
