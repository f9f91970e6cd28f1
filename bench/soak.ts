/**
 * The soak phase of the ringing bench (`BENCH_PHASES=soak npm run bench -- ringing`): does the
 * app give back what a call takes? The app alone is rung (no floor in between), in blocks of
 * BENCH_SOAK_BLOCK (50) calls, cancelled and answered in turn, up to each checkpoint of
 * BENCH_SOAK_AT (100,300,600 calls). At the start and at each checkpoint it reads, after forced
 * collections, the window's JS heap and DOM nodes (CDP) and the core's JS heap (an inspector
 * session on the host's Node), and the RSS of both processes. BENCH_SOAK_SNAPSHOTS=DIR writes a
 * heap snapshot of each at every point (`app-N.heapsnapshot`, `core-N.heapsnapshot`), to
 * compare in DevTools' Comparison view or with bench/heap-diff.ts.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';

/** What the soak needs of the inspector-protocol client (the host's Node). */
export interface Inspector {
  send(method: string, params?: object): Promise<unknown>;
  on(method: string, listener: (params: Record<string, unknown>) => void): () => void;
}

export interface SoakOptions {
  /** Rings the app `count` times with the scenario (`answered` decides which). */
  ring(count: number, answered: boolean): Promise<void>;
  window: CDPSession;
  core: Inspector;
  windowPids: number[];
  corePid: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const MIB = 1024 * 1024;

function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Writes a heap snapshot streamed in chunks (CDP or the inspector: same events). */
async function snapshot(
  file: string,
  on: (listener: (chunk: string) => void) => () => void,
  take: () => Promise<unknown>,
): Promise<void> {
  const out = createWriteStream(file);
  const off = on((chunk) => out.write(chunk));
  await take();
  off();
  await new Promise((done) => out.end(done));
}

export async function soak(options: SoakOptions): Promise<Record<string, number | string>> {
  const block = Number(process.env.BENCH_SOAK_BLOCK ?? 50);
  const points = (process.env.BENCH_SOAK_AT ?? '100,300,600').split(',').map(Number);
  const dir = process.env.BENCH_SOAK_SNAPSHOTS;
  const figures: Record<string, number | string> = {};
  const rows: string[] = [];
  const read = async (calls: number) => {
    for (let i = 0; i < 2; i++) await options.window.send('HeapProfiler.collectGarbage');
    const window = await options.window.send('Runtime.getHeapUsage');
    const dom = await options.window.send('Memory.getDOMCounters');
    for (let i = 0; i < 2; i++) await options.core.send('HeapProfiler.collectGarbage');
    const core = (await options.core.send('Runtime.getHeapUsage')) as { usedSize: number };
    const row = {
      calls,
      window_heap_mib: round(window.usedSize / MIB, 3),
      window_dom_nodes: dom.nodes,
      window_listeners: dom.jsEventListeners,
      window_rss_mib: round(
        options.windowPids.reduce((t, p) => t + rssMib(p), 0),
        1,
      ),
      core_heap_mib: round(core.usedSize / MIB, 3),
      core_rss_mib: round(rssMib(options.corePid), 1),
      load: round(loadavg()[0]!),
      at: new Date().toISOString().slice(11, 19),
    };
    rows.push(JSON.stringify(row));
    process.stderr.write(`soak ${JSON.stringify(row)}\n`);
    for (const [key, value] of Object.entries(row)) {
      if (key !== 'calls') figures[`soak_${calls}_${key}`] = value;
    }
    if (dir) {
      await snapshot(
        join(dir, `app-${calls}.heapsnapshot`),
        (listener) => {
          const handler = (e: { chunk: string }) => listener(e.chunk);
          options.window.on('HeapProfiler.addHeapSnapshotChunk', handler);
          return () => options.window.off('HeapProfiler.addHeapSnapshotChunk', handler);
        },
        () => options.window.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }),
      );
      await snapshot(
        join(dir, `core-${calls}.heapsnapshot`),
        (listener) =>
          options.core.on('HeapProfiler.addHeapSnapshotChunk', (e) => listener(String(e.chunk))),
        () => options.core.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }),
      );
    }
  };

  await options.window.send('HeapProfiler.enable');
  await options.core.send('HeapProfiler.enable');
  await read(0);
  let done = 0;
  let answered = false;
  for (const point of points) {
    while (done < point) {
      const count = Math.min(block, point - done);
      await options.ring(count, answered);
      answered = !answered;
      done += count;
    }
    await new Promise((r) => setTimeout(r, 300));
    await read(done);
  }
  figures.soak_rows = rows.join('\n');
  return figures;
}
