/**
 * Calls benchmark (issue: calls), over the same world as the calls end-to-end tests: the demo
 * platform (emulator + embedded SIP registrar + call center with its werift customer endpoint),
 * the real core and SIP line, the real renderer in Chromium through the browser host. One agent
 * takes BENCH_CALLS (default 50) calls after 3 warm-ups; each is answered with Enter (the Answer
 * button has the focus) and the customer hangs up as soon as `talking` shows.
 *
 * - offer_to_screen: the emulator hands the INVITE to its WebSocket (its connection's transport
 *   `send`, wrapped here) → the ringing panel is in the window's DOM (a MutationObserver in the
 *   page). Goal p50 ≤ 10 ms, p99 ≤ 20 ms. `offer_to_frame` is the same until the next animation
 *   frame begins (the first frame that paints it; headless Chromium's frames are ~16 ms apart).
 * - answer_to_talking: the app's line hands 200 OK (CSeq INVITE) to its WebSocket (a `ws`
 *   subclass given to the line) → the talking panel says 通话中 in the DOM.
 * - Clocks: every Node-side stamp is `performance.timeOrigin + performance.now()` in this process,
 *   every page-side one the same expression in the page. The page clock's offset from ours is
 *   measured NTP-style (20 round trips of page.evaluate, the shortest one kept; the offset and its
 *   ± half round trip are printed) and taken off the page stamps.
 * - renderer_cpu_ms_per_call: CDP Performance.getMetrics (thread time) TaskDuration — every task
 *   on the page's renderer main thread: script, style, layout, paint, WebRTC set-up, and this
 *   bench's own observer — delta over the measured calls ÷ calls; ScriptDuration,
 *   RecalcStyleDuration and LayoutDuration the same way. Goal ≤ 30 ms.
 * - heap_mb / dom_nodes / dom_elements: after CDP HeapProfiler.collectGarbage (twice),
 *   Runtime.getHeapUsage usedSize, Memory.getDOMCounters (nodes, JS event listeners) and the
 *   document's element count, before and after the measured calls, each time with the window
 *   showing 空闲 and no call. Goals: heap ≤ 4 MiB after 50 calls, DOM flat.
 *   The heap still grows by ~2 KB a call, none of it the app's: heap snapshots before and after
 *   150 calls show the app's own objects flat, and the growth in JIT code, Chromium's
 *   performance timeline (LCP entries) and one MediaStream per call held from C++ persistent
 *   roots by Blink's getUserMedia promise tracker (the window stops every track of each call).
 */
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { ANNOUNCED_STATE } from '../test/support/agent-window';
import type { CDPSession } from 'playwright-core';
import type { PanelSeen } from '../test/e2e/calls-support';

const CALLS = Number(process.env.BENCH_CALLS ?? 50);
const WARM_UPS = 3;
const now = () => performance.timeOrigin + performance.now();
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Something the test process is told, with a wait for it (bounded). */
export class Inbox<T> {
  private readonly items: T[] = [];
  private waiter: { match: (item: T) => boolean; resolve: (item: T) => void } | null = null;

  put(item: T): void {
    if (this.waiter?.match(item)) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve(item);
    } else this.items.push(item);
  }

  take(match: (item: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
    const index = this.items.findIndex(match);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} in ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        match,
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
    });
  }
}

/** What the window's polite live region says for idle (zh-CN), as the end-to-end tests read it. */
const IDLE_ANNOUNCED = `${ANNOUNCED_STATE}空闲`;

/**
 * Resolves in the page once it shows the agent idle (its polite live region) with no call panel.
 * A string, so the bundler's helpers never end up in the page.
 */
export const IDLE_SHOWN = `new Promise((resolve) => {
  const done = () =>
    !document.getElementById('ringing-heading') &&
    !document.getElementById('talking-heading') &&
    [...document.querySelectorAll('[aria-live="polite"]')].some(
      (e) => e.textContent.trim() === ${JSON.stringify(IDLE_ANNOUNCED)},
    );
  if (done()) return resolve(true);
  const observer = new MutationObserver(() => {
    if (!done()) return;
    observer.disconnect();
    resolve(true);
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
})`;

export function bounded<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} in ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Offset of the page's clock from ours (page = ours + offset), NTP-style. */
export async function clockOffset(
  evaluate: () => Promise<number>,
): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: 0, uncertainty: Infinity };
  for (let i = 0; i < 20; i++) {
    const sent = now();
    const page = await evaluate();
    const back = now();
    const uncertainty = (back - sent) / 2;
    if (uncertainty < best.uncertainty) best = { offset: page - (sent + back) / 2, uncertainty };
  }
  return best;
}

interface Sample {
  heapMb: number;
  /** Live DOM nodes in the renderer (CDP), text nodes and detached ones included. */
  domNodes: number;
  /** Elements in the document now. */
  domElements: number;
  listeners: number;
  taskSec: number;
  scriptSec: number;
  styleSec: number;
  layoutSec: number;
}

async function sample(cdp: CDPSession): Promise<Sample> {
  // Twice: DOM wrappers freed by the first V8 collection let Blink free their nodes in the second
  // (with one, the node count wanders by ±30 from run to run).
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const elements = await cdp.send('Runtime.evaluate', {
    expression: "document.getElementsByTagName('*').length",
    returnByValue: true,
  });
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return {
    heapMb: usedSize / 1024 / 1024,
    domNodes: dom.nodes,
    domElements: Number(elements.result.value),
    listeners: dom.jsEventListeners,
    taskSec: metric('TaskDuration'),
    scriptSec: metric('ScriptDuration'),
    styleSec: metric('RecalcStyleDuration'),
    layoutSec: metric('LayoutDuration'),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const support = await import('../test/e2e/calls-support');
  const { DEMO_EXTENSIONS } = await import('../src/emulator/index');
  const { waitFor } = await import('../test/support/wait');

  // The app's SIP line over a WebSocket that notes when each 200 OK to an INVITE leaves.
  const okSent = new Map<string, number>();
  class Stamping extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      (WebSocket.prototype.send as (...args: unknown[]) => void).call(this, data, ...rest);
      if (typeof data === 'string' && data.startsWith('SIP/2.0 200 ')) {
        const at = now();
        if (/^CSeq:\s*\d+\s+INVITE\s*$/im.test(data)) okSent.set(sipCallId(data), at);
      }
    }
  }

  const world = await support.openCallsWorld();
  try {
    const desk = await world.openDesk({ sipLine: support.sipLineOver(Stamping) });
    const name = 'bench_calls';
    await support.signInRoutable(world, desk, {
      name,
      extension: DEMO_EXTENSIONS[0]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });

    // The emulator's side: when it hands each INVITE to the agent's connection.
    const inviteSent = new Map<string, { at: number; sipCallId: string }>();
    const [connection] = world.emulator.sip?.connections() ?? [];
    if (!connection) throw new Error('the agent has no connection to the embedded registrar');
    const transport = connection.userAgent.transport as unknown as {
      send(message: string): Promise<void>;
    };
    const send = transport.send.bind(transport);
    transport.send = (message: string) => {
      const sent = send(message);
      if (message.startsWith('INVITE ')) {
        const id = /^X-Emulator-Call:\s*(\S+)/im.exec(message)?.[1];
        if (id) inviteSent.set(id, { at: now(), sipCallId: sipCallId(message) });
      }
      return sent;
    };

    const { page } = desk;
    const shown = new Inbox<PanelSeen>();
    const framed = new Inbox<PanelSeen>();
    await page.exposeFunction('__panelShown', (seen: PanelSeen) => shown.put(seen));
    await page.exposeFunction('__panelFramed', (seen: PanelSeen) => framed.put(seen));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });

    const offerToScreen: number[] = [];
    const offerToFrame: number[] = [];
    const answerToTalking: number[] = [];
    const whole: number[] = [];
    const clock = await clockOffset(() =>
      page.evaluate(() => performance.timeOrigin + performance.now()),
    );
    const ours = (pageTime: number) => pageTime - clock.offset;

    const oneCall = async (n: number, measure: boolean) => {
      const started = now();
      const caller = `1390${String(n).padStart(7, '0')}`;
      const id = world.emulator.calls.queueCall({ skill: 'sales', caller });
      const ringing = await shown.take(
        (s) => s.panel === 'ringing' && s.text.includes(caller),
        `ringing panel for ${caller}`,
      );
      const ringFrame = await framed.take(
        (s) => s.panel === 'ringing' && s.text.includes(caller),
        `frame after the ringing panel for ${caller}`,
      );
      const invite = inviteSent.get(id);
      if (!invite) throw new Error(`the INVITE of ${id} was not seen leaving`);
      // Enter answers: the Answer button has the focus (no script injected into the page).
      await page.keyboard.press('Enter');
      const talking = await shown.take(
        (s) => s.panel === 'talking' && s.text.includes(caller),
        `talking panel for ${caller}`,
      );
      const ok = okSent.get(invite.sipCallId);
      if (ok === undefined) throw new Error(`the 200 OK of ${id} was not seen leaving`);
      // The customer hangs up at once; the next call waits until the agent is idle again.
      world.emulator.calls.customerHangUp(id);
      await support.callEnded(world, id, 10_000);
      await waitFor(
        () =>
          desk.snapshot().call === null &&
          desk.snapshot().state === 'idle' &&
          world.emulator.store.agentStatus(name)?.state === 'idle',
        'the agent idle again',
        10_000,
        2,
      );
      // …and the window says so: samples are taken in the same state every time.
      await bounded(page.evaluate(IDLE_SHOWN), 'the window showing 空闲 without a call');
      await framed.take((s) => s.panel === 'talking' && s.text.includes(caller), 'talking frame');
      if (!measure) return;
      offerToScreen.push(ours(ringing.at) - invite.at);
      offerToFrame.push(ours(ringFrame.frameAt!) - invite.at);
      answerToTalking.push(ours(talking.at) - ok);
      whole.push(now() - started);
    };

    for (let n = 0; n < WARM_UPS; n++) await oneCall(n, false);
    const before = await sample(cdp);
    for (let n = 0; n < CALLS; n++) await oneCall(WARM_UPS + n, true);
    const after = await sample(cdp);
    const clockAfter = await clockOffset(() =>
      page.evaluate(() => performance.timeOrigin + performance.now()),
    );

    return {
      calls: CALLS,
      offer_to_screen_p50_ms: round(percentile(offerToScreen, 50)),
      offer_to_screen_p99_ms: round(percentile(offerToScreen, 99)),
      offer_to_screen_max_ms: round(Math.max(...offerToScreen)),
      offer_to_screen_goal: 'p50 ≤ 10, p99 ≤ 20',
      offer_to_frame_p50_ms: round(percentile(offerToFrame, 50)),
      offer_to_frame_p99_ms: round(percentile(offerToFrame, 99)),
      answer_to_talking_p50_ms: round(percentile(answerToTalking, 50)),
      answer_to_talking_p99_ms: round(percentile(answerToTalking, 99)),
      renderer_cpu_ms_per_call: round(((after.taskSec - before.taskSec) * 1000) / CALLS),
      renderer_script_ms_per_call: round(((after.scriptSec - before.scriptSec) * 1000) / CALLS),
      renderer_style_ms_per_call: round(((after.styleSec - before.styleSec) * 1000) / CALLS),
      renderer_layout_ms_per_call: round(((after.layoutSec - before.layoutSec) * 1000) / CALLS),
      renderer_cpu_goal_ms: 30,
      heap_mb_before: round(before.heapMb),
      heap_mb_after: round(after.heapMb),
      heap_mb_growth: round(after.heapMb - before.heapMb),
      heap_mb_goal: 4,
      dom_nodes_before: before.domNodes,
      dom_nodes_after: after.domNodes,
      dom_elements_before: before.domElements,
      dom_elements_after: after.domElements,
      js_listeners_before: before.listeners,
      js_listeners_after: after.listeners,
      call_cycle_p50_ms: round(percentile(whole, 50), 0),
      page_clock_offset_ms: round(clock.offset, 3),
      page_clock_uncertainty_ms: round(clock.uncertainty, 3),
      page_clock_drift_ms: round(clockAfter.offset - clock.offset, 3),
    };
  } finally {
    await world.close();
  }
}

export function sipCallId(message: string): string {
  const id = /^(?:Call-ID|i):\s*(\S+)/im.exec(message)?.[1];
  if (!id) throw new Error('a SIP message without Call-ID');
  return id;
}

// `npx tsx bench/calls.ts` (after `npx electron-vite build`): runs and prints the figures.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await run();
  console.table(figures);
  console.log(JSON.stringify(figures));
  process.exit(0);
}
