/**
 * The machine-wide policy an administrator sets: a JSON object fixing any setting (and the
 * secrets). Checked strictly — an unknown key or a bad value is an error, never silently
 * dropped — and generic over the settings' keys, so new settings are lockable as they appear.
 * Precedence, from strongest: policy > environment > user settings > defaults.
 */
import type { z } from 'zod';
import { SecretsPatchSchema, SettingsSchema } from './settings';
import type { LockableKey, Settings } from './settings';

/** The policy file's schema: any subset of settings and secrets, nothing else. */
export const PolicySchema = SettingsSchema.partial()
  .extend({
    secretKey: SecretsPatchSchema.shape.secretKey.unwrap().min(1).optional(),
    sipPassword: SecretsPatchSchema.shape.sipPassword.unwrap().min(1).optional(),
    sipProxyPassword: SecretsPatchSchema.shape.sipProxyPassword.unwrap().min(1).optional(),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;

/** A policy file that cannot be used: where it is and what is wrong, one line per problem. */
export class PolicyError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`policy file ${path} is invalid: ${problems.join('; ')}`);
    this.name = 'PolicyError';
  }
}

/** True for a {@link PolicyError}, also one from another copy of this module (bundles, tests). */
export function isPolicyError(error: unknown): error is PolicyError {
  return (
    error instanceof Error &&
    error.name === 'PolicyError' &&
    Array.isArray((error as Partial<PolicyError>).problems)
  );
}

/** Parses policy text; throws {@link PolicyError} listing every problem. */
export function parsePolicy(text: string, path: string): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(path, [`not JSON: ${(error as Error).message}`]);
  }
  const parsed = PolicySchema.safeParse(raw);
  if (!parsed.success) {
    throw new PolicyError(
      path,
      parsed.error.issues.map((issue) => {
        const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
        return `${where}${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

/** The keys a policy fixes. */
export function lockedKeys(policy: Policy): LockableKey[] {
  return Object.keys(policy) as LockableKey[];
}

/** Settings with the policy's values laid over them (secrets are not settings). */
export function applyPolicy(settings: Settings, policy: Policy): Settings {
  const {
    secretKey: _secretKey,
    sipPassword: _sipPassword,
    sipProxyPassword: _sipProxyPassword,
    ...fixed
  } = policy;
  return { ...settings, ...fixed };
}

/** A patch with every locked key removed (the window cannot change what the policy fixes). */
export function lockedInPatch(patch: Record<string, unknown>, policy: Policy): string[] {
  const locked = new Set<string>(lockedKeys(policy));
  const keys = Object.keys(patch).filter((key) => key !== 'secrets' && locked.has(key));
  const secrets = (patch.secrets ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(secrets)) if (locked.has(key)) keys.push(key);
  return keys;
}
