/**
 * The idle-cost probe, run by bench/session.ts as a plain `node` process (bundled first, so no
 * TypeScript loader's own timers are counted): a signed-in core with its SIP line registered,
 * left alone for BENCH_IDLE_SECONDS. Prints one JSON line with CPU and wake-ups.
 */
import { createDesktopCore } from '../src/main/core/create-core';
import { startDemoPlatform } from '../src/emulator/demo-platform';
import { MemorySecretStore, systemClock } from '../src/lib/ports';
import type { Clock } from '../src/lib/ports';

const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
let wakeups = 0;
const counting: Clock = {
  ...systemClock,
  setTimeout: (fn, ms) =>
    systemClock.setTimeout(() => {
      wakeups++;
      fn();
    }, ms),
};
const core = await createDesktopCore({
  secrets: new MemorySecretStore(),
  settingsFile: null,
  clock: counting,
  env: process.env,
  startEmbedded: startDemoPlatform,
});
const signed = await core.dispatch('session:sign-in', {
  name: 'idle_agent',
  extension: process.env.BENCH_EXTENSION ?? '',
  initialState: 'idle',
});
if (!signed.ok) throw new Error(`sign-in failed: ${signed.error.message}`);
const deadline = Date.now() + 5000;
while (core.snapshot().sip.state !== 'registered' && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 20));
}
const sip = core.snapshot().sip.state;
// Let start-up settle (V8 finishes compiling and collecting what loading left behind) before
// measuring the steady state an agent's day consists of.
await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SETTLE_SECONDS ?? 30) * 1000));
wakeups = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu = process.cpuUsage(cpu0);
const elapsed = (performance.now() - t0) / 1000;
await core.shutdown(2000);
process.stdout.write(
  `${JSON.stringify({ elapsed, cpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100, wakeupsPerSec: wakeups / elapsed, sip })}\n`,
);
process.exit(0);
