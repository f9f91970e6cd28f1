/** Small process helpers for the Kamailio runner: bounded readiness and bounded stop by pid. */
import { readFile } from 'node:fs/promises';

/** Polls `probe` every 25 ms until it returns true; fails when `exited` settles first or time runs out. */
export async function waitUntil(
  exited: Promise<void>,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    if (gone) throw new Error('the process exited');
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms (${String(last)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * SIGTERM to `pid`, then SIGKILL to it and to its children (Kamailio's workers) if it has not
 * exited within `graceMs`. `exited` settles when the process is gone.
 */
export async function stopProcess(
  pid: number,
  exited: Promise<void>,
  graceMs: number,
): Promise<void> {
  const children = await childPids(pid);
  if (!signal(pid, 'SIGTERM')) return;
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (!timedOut) return;
  for (const child of [pid, ...children]) signal(child, 'SIGKILL');
  await Promise.race([exited, sleep(1_000)]);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false; // already gone
  }
}

async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
