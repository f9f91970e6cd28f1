/**
 * The calls end-to-end world (test/e2e/calls-*.test.ts, test/integration/sipp-call*.test.ts and
 * bench/calls.ts): the demo platform as `npm start` runs it (emulator + embedded SIP registrar +
 * call center with its werift customer endpoint), and one or more agent desktops on it — each a
 * real core with its own browser host and its own page in ONE Chromium (a context per agent, so
 * each has its own fake microphone and WebRTC stack).
 */
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createDesktopCore } from '../../src/main/core/create-core';
import { startDemoPlatform } from '../../src/emulator/demo-platform';
import { startEdgePlatform, type EdgePlatform } from '../../src/emulator/edge/edge-platform';
import { MemorySecretStore, silentLogger, systemClock } from '../../src/lib/ports';
import { startBrowserHost } from '../../src/dev-host/browser-host';
import { createSipLine } from '../../src/main/sip/index';
import { CHROMIUM_ARGS } from '../support/app-harness';
import { SEEN_WITHIN, signIn } from '../support/agent-window';
import { SYSTEM } from '../support/system';
import { waitFor } from '../support/wait';
import type { Browser, Page } from 'playwright-core';
import type { Core } from '../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../src/main/core/platform-source';
import type { BrowserHost } from '../../src/dev-host/browser-host';
import type { CallRecord, CallRequest, RunningEmulator } from '../../src/emulator/index';
import type { SipLine } from '../../src/main/sip/types';
import type { SessionSnapshot } from '../../src/shared/snapshot';

/** One agent's desktop: the real core, its browser host and the window's page. */
export interface Desk {
  core: Core;
  host: BrowserHost;
  page: Page;
  /** Every state the snapshot went through, in order (repeats dropped). */
  states: string[];
  snapshot(): SessionSnapshot;
  close(): Promise<void>;
}

export interface DeskOptions {
  /** Replaces the SIP line (the bench passes one over an instrumented WebSocket). */
  sipLine?: SipLine;
  /** Settings applied before the page opens (e.g. sipWsUrl of a Kamailio). */
  settings?: Parameters<Core['dispatch']>[1];
  keepaliveMs?: number;
  /** The core's environment (e.g. AGENT_DESKTOP_GATEWAY_URL for gateway mode). */
  env?: Record<string, string>;
  /** The host's door to the default browser (screen-pop); absent = none. */
  openExternal?: (url: string) => Promise<void>;
}

export interface CallsWorld {
  emulator: RunningEmulator;
  browser: Browser;
  /** A desktop on the shared platform, its window open on the sign-in form. */
  openDesk(options?: DeskOptions): Promise<Desk>;
  close(): Promise<void>;
}

/** Starts the demo platform and one Chromium; desks are opened on demand. */
export async function openCallsWorld(
  options: {
    embeddedPlatform?: () => Promise<EmbeddedPlatform<RunningEmulator>>;
    /** Extra Chromium switches (the edge tests add loopback ICE). */
    chromiumArgs?: string[];
  } = {},
): Promise<CallsWorld> {
  const platform = await (options.embeddedPlatform ?? (() => startDemoPlatform(silentLogger)))();
  const { emulator } = platform;
  const browser = await chromium.launch({
    executablePath: SYSTEM.chromium,
    args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])],
  });
  const desks: Desk[] = [];
  return {
    emulator,
    browser,
    async openDesk(deskOptions = {}) {
      const desk = await openDesk(browser, platform, deskOptions);
      desks.push(desk);
      return desk;
    },
    async close() {
      await Promise.all(desks.map((desk) => desk.close()));
      await browser.close().catch(() => undefined);
      await platform.close();
    },
  };
}

async function openDesk(
  browser: Browser,
  platform: EmbeddedPlatform<RunningEmulator>,
  options: DeskOptions,
): Promise<Desk> {
  const core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    // Every desk shares the one platform; only the world closes it.
    startEmbedded: async () => ({ ...platform, close: async () => undefined }),
    keepaliveMs: options.keepaliveMs ?? 5_000,
    logger: silentLogger,
    ...(options.sipLine ? { sipLine: options.sipLine } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
  });
  if (options.settings) {
    const updated = await core.dispatch('settings:update', options.settings as never);
    if (!updated.ok) throw new Error(`settings refused: ${JSON.stringify(updated.error)}`);
  }
  const states: string[] = [];
  core.on('session:changed', (snapshot) => {
    if (snapshot.state && states.at(-1) !== snapshot.state) states.push(snapshot.state);
  });
  const host = await startBrowserHost({ core, rendererDir: resolve('out/renderer') });
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1000, height: 700 },
  });
  await context.addInitScript(PANEL_WATCH);
  const page = await context.newPage();
  page.setDefaultTimeout(SEEN_WITHIN);
  await page.goto(host.url);
  return {
    core,
    host,
    page,
    states,
    snapshot: () => core.snapshot(),
    async close() {
      await context.close().catch(() => undefined);
      await core.shutdown(1_000);
      await host.close();
    },
  };
}

/** A call panel appearing in the window, as the page saw it. */
export interface PanelSeen {
  panel: 'ringing' | 'talking';
  /** The panel's text (the caller's number is in it). */
  text: string;
  /** `performance.timeOrigin + performance.now()` in the page when the DOM held the panel. */
  at: number;
  /** Same clock: when the next animation frame began (the first one to paint the panel). */
  frameAt?: number;
}

declare global {
  interface Window {
    /** The last 20 panel appearances, oldest first (kept by PANEL_WATCH). */
    __panelsSeen?: PanelSeen[];
    /** Set by the bench (page.exposeFunction): told of each appearance as it happens. */
    __panelShown?: (seen: PanelSeen) => void;
    /** Set by the bench: told when the frame after an appearance began. */
    __panelFramed?: (seen: PanelSeen) => void;
  }
}

/**
 * Runs in the page before the app (an init script): a MutationObserver that notes each time the
 * ringing panel, or the talking panel in its `talking` phase (heading 通话中), enters the DOM.
 * Its callback runs right after the DOM change, before the next frame: a panel that came and went
 * quickly (a 1 s ring timeout on a slow machine) is still on record, so tests need no luck to
 * see it, and the bench reads when it happened.
 */
const PANEL_WATCH = `(() => {
  const seen = (window.__panelsSeen = []);
  let shown = { ringing: null, talking: null };
  const check = () => {
    const ringing = document.getElementById('ringing-heading');
    const heading = document.getElementById('talking-heading');
    const talking = heading && heading.textContent.trim() === '通话中' ? heading : null;
    const now = { ringing, talking };
    for (const panel of ['ringing', 'talking']) {
      const element = now[panel];
      if (element && element !== shown[panel]) {
        const section = element.closest('section');
        const entry = {
          panel,
          text: section ? section.textContent : '',
          at: performance.timeOrigin + performance.now(),
        };
        seen.push(entry);
        // Recent ones only: the bench makes hundreds of calls in one page.
        if (seen.length > 20) seen.shift();
        if (window.__panelShown) window.__panelShown(entry);
        // The frame that first shows it begins (rAF runs just before that frame is painted).
        requestAnimationFrame(() => {
          entry.frameAt = performance.timeOrigin + performance.now();
          if (window.__panelFramed) window.__panelFramed(entry);
        });
      }
    }
    shown = now;
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
  });
})();`;

/** Waits until the window has shown `panel` with `text` in it (even if it is gone since). */
export function panelShown(
  desk: Desk,
  panel: PanelSeen['panel'],
  text: string,
): Promise<PanelSeen> {
  return waitFor(
    () =>
      desk.page.evaluate(
        ([p, t]) => window.__panelsSeen?.find((s) => s.panel === p && s.text.includes(t)) ?? null,
        [panel, text] as const,
      ),
    `the ${panel} panel with ${text} in the window`,
  );
}

/** The line the bench instruments: the product's sip.js line over a given WebSocket class. */
export function sipLineOver(
  webSocket: NonNullable<Parameters<typeof createSipLine>[0]['webSocket']>,
) {
  return createSipLine({ clock: systemClock, logger: silentLogger, webSocket });
}

/**
 * Signs the agent in through the form (state 空闲), waits until its extension is registered and
 * the platform can route to it, and gives it `skills` (as the platform's administrator would).
 */
export async function signInRoutable(
  world: Pick<CallsWorld, 'emulator'>,
  desk: Desk,
  agent: { name: string; extension: string; skills?: { name: string; score: number }[] },
): Promise<void> {
  await signIn(desk.page, { name: agent.name, extension: agent.extension, initialState: '空闲' });
  await waitFor(() => desk.snapshot().sip.state === 'registered', 'the SIP line registered');
  const { store } = world.emulator;
  await waitFor(
    () => store.agentStatus(agent.name)?.extensionRegistered,
    `${agent.name}'s extension registered on the platform`,
  );
  const ops = (agent.skills ?? []).map((s) => ({
    opt: 1 as const,
    name: s.name,
    score: s.score,
    enabled: true,
  }));
  const set = ops.length ? store.updateSkills(agent.name, ops) : null;
  if (set && set.code !== '000000') throw new Error(`skills not set: ${set.code}`);
}

/**
 * The emulator in edge mode (the platform's own registrar, the site edge's Kamailio and
 * rtpengine, calls from a platform-side phone) and one window signed in routable on `extension`
 * with the skill sales. Chromium gets loopback ICE, which only the edge's tests need.
 */
export async function openEdgeWorld(
  name: string,
  extension: string,
): Promise<{ world: CallsWorld; edge: EdgePlatform; desk: Desk }> {
  let edge!: EdgePlatform;
  const world = await openCallsWorld({
    embeddedPlatform: async () => (edge = await startEdgePlatform(silentLogger)),
    chromiumArgs: ['--allow-loopback-in-peer-connection'],
  });
  const desk = await world.openDesk();
  await signInRoutable(world, desk, { name, extension, skills: [{ name: 'sales', score: 5 }] });
  return { world, edge, desk };
}

/** Queues a customer call (defaults: skill sales, a fixed caller, waits for the agent). */
export function queueCall(world: Pick<CallsWorld, 'emulator'>, request: Partial<CallRequest> = {}) {
  return world.emulator.calls.queueCall({ skill: 'sales', ...request });
}

/** The platform's record of a call (throws for an unknown id). */
export function callRecord(world: Pick<CallsWorld, 'emulator'>, id: string): CallRecord {
  const record = world.emulator.calls.call(id);
  if (!record) throw new Error(`the platform knows no call ${id}`);
  return record;
}

/** Waits until the platform's call ended; returns its record. */
export function callEnded(
  world: Pick<CallsWorld, 'emulator'>,
  id: string,
  timeoutMs = SEEN_WITHIN,
) {
  return waitFor(
    () => {
      const record = callRecord(world, id);
      return record.state === 'ended' ? record : null;
    },
    `call ${id} to end on the platform (is ${callRecord(world, id).state})`,
    timeoutMs,
  );
}

/** Waits until the desktop's snapshot satisfies `probe`. */
export function untilSnapshot<T>(
  desk: Desk,
  what: string,
  probe: (snapshot: SessionSnapshot) => T | null | undefined | false,
  timeoutMs = SEEN_WITHIN,
): Promise<T> {
  return waitFor(() => probe(desk.snapshot()), what, timeoutMs);
}

/** What the window's read-only `agentDesktopDebug.mediaStats()` reports (renderer media/debug.ts). */
export interface WindowMediaStats {
  callId: string;
  connectionState: string;
  packetsReceived: number;
  bytesReceived: number;
  packetsSent: number;
  totalAudioEnergy: number;
  codec: string;
}

/** The window's RTP counters: its RTCPeerConnection's getStats() (inbound/outbound-rtp). */
export function windowMedia(page: Page): Promise<WindowMediaStats | null> {
  return page.evaluate(() => {
    const debug = (
      window as unknown as {
        agentDesktopDebug?: { mediaStats(): Promise<WindowMediaStats | null> };
      }
    ).agentDesktopDebug;
    return debug ? debug.mediaStats() : null;
  });
}

/** The ringtone as the window reports it; `clock` advances only while its device plays. */
interface RingtoneDebug {
  playing: boolean;
  blocked: boolean;
  clock: number | null;
}

/** Whether the window's ringtone plays (`agentDesktopDebug.ringtone()`). */
export function ringtone(page: Page): Promise<RingtoneDebug | null> {
  return page.evaluate(() => {
    const debug = (
      window as unknown as {
        agentDesktopDebug?: { ringtone(): RingtoneDebug };
      }
    ).agentDesktopDebug;
    return debug ? debug.ringtone() : null;
  });
}

/** The ringing panel (a region named by its heading) and the talking panel. */
export const ringingPanel = (page: Page) => page.getByRole('region', { name: '来电振铃中' });
export const talkingPanel = (page: Page) => page.getByRole('region', { name: '通话中' });
