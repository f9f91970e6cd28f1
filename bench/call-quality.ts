/**
 * Call-quality polling benchmark (issue 15): one call from the demo platform answered in the
 * real window in Chromium, held for BENCH_QUALITY_SEC (default 20) seconds while the quality
 * light reads getStats() once a second.
 * - quality_poll_ms_per_s: the renderer main-thread time of the polling's JS per second of call
 *   (the monitor times the synchronous part of each read: walking the RTCStatsReport, which is
 *   where Blink turns the stats into JS objects, plus the E-model and the reading), mean over
 *   the call; and the slowest single read. Goal ≤ 1 ms per second.
 * - renderer_task_ms_per_s_in_call: CDP Performance.getMetrics TaskDuration over the same
 *   window ÷ seconds — every task on the renderer main thread during a call (audio playout,
 *   WebRTC, the timer display, the polling), for scale.
 */
import type { Reading } from './call-quality-types';

const SECONDS = Number(process.env.BENCH_QUALITY_SEC ?? 20);
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<Record<string, number | string>> {
  const support = await import('../test/e2e/calls-support');
  const { DEMO_EXTENSIONS } = await import('../src/emulator/index');
  const { waitFor } = await import('../test/support/wait');
  const world = await support.openCallsWorld();
  try {
    const desk = await world.openDesk();
    await support.signInRoutable(world, desk, {
      name: 'bench_quality',
      extension: DEMO_EXTENSIONS[0]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
    const { page } = desk;
    const id = support.queueCall(world, { customer: { kind: 'wait-for-agent' } });
    await page.getByRole('button', { name: '接听', exact: true }).click();
    await support.talkingPanel(page).waitFor();
    const quality = () =>
      page.evaluate(() =>
        (
          window as unknown as { agentDesktopDebug: { quality(): Reading } }
        ).agentDesktopDebug.quality(),
      );
    await waitFor(async () => (await quality()).cost.reads >= 2, 'the light reading');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const task = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    };
    const before = await quality();
    const task0 = await task();
    const t0 = Date.now();
    let slowest = 0;
    while (Date.now() - t0 < SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const q = await quality();
      slowest = Math.max(slowest, q.cost.maxMs);
    }
    const after = await quality();
    const elapsedS = (Date.now() - t0) / 1000;
    const taskMs = ((await task()) - task0) * 1000;
    world.emulator.calls.customerHangUp(id);
    const reads = after.cost.reads - before.cost.reads;
    const ms = after.cost.ms - before.cost.ms;
    return {
      call_seconds: round(elapsedS, 1),
      reads,
      quality_poll_ms_per_s: round(ms / elapsedS),
      quality_poll_ms_per_read_mean: round(ms / Math.max(reads, 1)),
      quality_poll_ms_per_read_max: round(slowest),
      quality_poll_goal_ms_per_s: 1,
      renderer_task_ms_per_s_in_call: round(taskMs / elapsedS, 2),
    };
  } finally {
    await world.close();
  }
}
