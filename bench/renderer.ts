/**
 * Renderer benchmarks (issue: agent window).
 * - js_gzip_kb / css_gzip_kb: gzip size of the window's start-up script and styles
 *   (out/renderer/assets), built with the project's own config (`electron-vite build`,
 *   minified). Goal: JS ≤ 90 KB. js_lazy_screens_gzip_kb: the screens loaded on first use.
 * - heap_mb_after_sign_in_10_changes: the real renderer in Chromium over the browser host (real
 *   core, embedded emulator): JS heap in use after signing in through the form and 10 state
 *   changes through the buttons and menus, after a forced GC. Goal ≤ 8 MB.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Sums gzip sizes of the files in `dir/assets` that end with `ext` (and pass `keep`). */
function gzipKb(dir: string, ext: string, keep: (file: string) => boolean = () => true): number {
  const assets = join(dir, 'assets');
  const files = readdirSync(assets).filter((f) => f.endsWith(ext) && keep(f));
  return kb(files.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0));
}

/** Signs in through the real form and makes 10 state changes, then reads the JS heap. */
export async function heapAfterSignInAndStateChanges(): Promise<number> {
  const { startApp } = await import('../test/support/app-harness');
  const { announced } = await import('../test/support/agent-window');
  const { DEMO_EXTENSIONS } = await import('../src/emulator/index');
  const app = await startApp();
  try {
    const { page } = app;
    await page.getByRole('textbox', { name: '座席名' }).fill('bench_agent');
    await page
      .getByRole('combobox', { name: '分机', exact: true })
      .selectOption(DEMO_EXTENSIONS[0]!.id);
    await page.getByRole('button', { name: '签入', exact: true }).click();
    await page.getByRole('heading', { name: '当前状态' }).waitFor();
    const steps: { open?: string; item?: string; button?: string; expect: string }[] = [
      { button: '空闲', expect: 'idle' },
      { open: '忙碌', item: '小休', expect: 'busy/小休' },
      { button: '空闲', expect: 'idle' },
      { open: '离开', item: '午餐', expect: 'away/午餐' },
      { open: '忙碌', item: '会议', expect: 'busy/会议' },
      { button: '空闲', expect: 'idle' },
      { open: '离开', item: '不填原因', expect: 'away' },
      { open: '忙碌', item: '维修单录入', expect: 'busy/维修单录入' },
      { open: '离开', item: '培训', expect: 'away/培训' },
      { button: '空闲', expect: 'idle' },
    ];
    for (const step of steps) {
      if (step.button) await page.getByRole('button', { name: step.button, exact: true }).click();
      else {
        await page.getByRole('button', { name: step.open!, exact: true }).click();
        await page.getByRole('menuitem', { name: step.item!, exact: true }).click();
      }
      await waitForState(app.core.snapshot, step.expect);
      // ...and the window shows it (its live region announces exactly the new state).
      const [base, reason] = step.expect.split(/\/(.*)/);
      await announced(page, `${LABELS[base!]}${reason ? ` · ${reason}` : ''}`);
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return Math.round((usedSize / 1024 / 1024) * 100) / 100;
  } finally {
    await app.close();
  }
}

const LABELS: Record<string, string> = { idle: '空闲', busy: '忙碌', away: '离开' };

async function waitForState(snapshot: () => { state: string | null }, state: string) {
  const until = Date.now() + 5000;
  while (snapshot().state !== state) {
    if (Date.now() > until) throw new Error(`state never became ${state}: ${snapshot().state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<Record<string, number>> {
  execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const out = resolve('out/renderer');
  return {
    // The start-up script; screens opened now and then are their own chunks, loaded on use.
    js_gzip_kb: gzipKb(out, '.js', (f) => f.startsWith('index-')),
    js_lazy_screens_gzip_kb: gzipKb(out, '.js', (f) => !f.startsWith('index-')),
    css_gzip_kb: gzipKb(out, '.css'),
    js_gzip_kb_goal: 90,
    heap_mb_after_sign_in_10_changes: await heapAfterSignInAndStateChanges(),
    heap_mb_goal: 8,
  };
}

// `npx tsx bench/renderer.ts`: builds, measures and prints the figures (bench/run.ts runs all).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await run();
  console.table(figures);
  console.log(JSON.stringify(figures));
  process.exit(0);
}
