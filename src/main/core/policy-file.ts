/**
 * Where the machine-wide policy file lives and reading it. A missing file means no policy; any
 * other problem (unreadable, not JSON, an unknown key, a bad value) is a {@link PolicyError}: the
 * app must not start half-configured, and never silently ignores the file.
 */
import { readFileSync } from 'node:fs';
import { join, win32 } from 'node:path';
import { parsePolicy, PolicyError } from '../../shared/policy';
import type { Policy } from '../../shared/policy';

/** Moves the policy file (tests, staging machines). */
export const POLICY_ENV = 'AGENT_DESKTOP_POLICY_FILE';

/** The policy file's path on this OS (or the one the environment names). */
export function policyPath(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): string {
  if (env[POLICY_ENV]) return env[POLICY_ENV];
  if (platform === 'win32') {
    return win32.join(
      env.ProgramData ?? 'C:\\ProgramData',
      'ONEYUN',
      'Agent Desktop',
      'policy.json',
    );
  }
  if (platform === 'darwin') {
    return join('/Library/Application Support', 'ONEYUN Agent Desktop', 'policy.json');
  }
  return '/etc/agent-desktop/policy.json';
}

/** Reads the policy; null when there is no file. Throws {@link PolicyError} for anything else. */
export function readPolicy(path: string): Policy | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new PolicyError(path, [`cannot be read (${code ?? String(error)})`]);
  }
  return parsePolicy(text, path);
}
