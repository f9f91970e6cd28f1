/**
 * What a child started in a session of its own (`detached: true`) left running: the tests of
 * the npm scripts and CLIs check that stopping one stops everything it started.
 */
import { execFileSync } from 'node:child_process';

/** The processes of session `sid` still running, as `ps` shows them (zombies do not count). */
export function sessionProcesses(sid: number): string[] {
  let listing = '';
  try {
    listing = execFileSync('ps', ['-o', 'stat=,args=', '-g', String(sid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when nothing is left
  }
  return listing
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Z'));
}
