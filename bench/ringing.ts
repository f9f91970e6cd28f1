/**
 * Ringing benchmark on the path a real call takes (`npm run bench -- ringing`): sipp, a real SIP
 * caller, sends each INVITE over UDP through the shipped Kamailio config to the app's SIP line
 * over WebSocket. The app is the real core in its own process (the browser host, `npm run host`,
 * with its normal logging) and the real window in Chromium. In the same run a bare sip.js page —
 * one element's text set on INVITE, nothing else — registers on the same Kamailio as the floor.
 *
 * One sipp run rings the two in turn (an injection file names the called user per call), so app
 * and floor see the same minutes of this machine's drifting speed. Calls ring 400 ms and are
 * cancelled (the caller gives up), then a second run has them answered: the bench presses Enter
 * in the app (Answer has the focus) and calls `answer()` in the floor page as soon as each
 * shows ringing.
 *
 * - offer→DOM: the INVITE leaves sipp (stamped by a UDP relay in this process between sipp and
 *   Kamailio; both sides pay its ~0.1 ms) → the ringing panel (app) or the text (floor) is in the
 *   page's DOM (a MutationObserver). Page clocks are mapped to ours NTP-style.
 *   offer→frame: the same until the next animation frame begins.
 * - renderer CPU per call: utime+stime of each Chromium renderer process (all its threads), from
 *   /proc, over the measured calls. Main CPU per call: the same for the app's core process.
 * - heap and DOM: CDP after two forced collections, before and after the measured calls.
 * - phase wall time per call: how long each call's share of the run lasted (idle costs count
 *   for that long: each side is rung every other call, so one app call is two slots).
 * - quiet: after the calls, BENCH_QUIET_S (30) seconds with no call, CPU per second of both
 *   renderers and the core: what the window costs between calls, all day.
 * - sip-floor: the core's own floor. Bare sip.js in a Node process (on `ws`, as the app's line)
 *   registers on the same Kamailio, and one more cancelled run rings the app and it in turn:
 *   core CPU per call against bare sip.js's, so the core's figure has a floor of its own that
 *   sees the same minutes.
 *
 * - soak (only when named: BENCH_PHASES=soak): hundreds of calls to the app alone, heap of the
 *   window and the core after forced collections at checkpoints (bench/soak.ts).
 *
 * Digging in: BENCH_PHASES=cancelled,answered,quiet,sip-floor picks phases; BENCH_PROFILE=DIR
 * writes CPU profiles of the page and the core per phase, a sampling heap profile of what the
 * core allocates (garbage included: `.heapprofile`), and the window's WebSocket frames
 * (BENCH_FRAME_CHARS=N keeps N characters of each); BENCH_TRACE=DIR a per-thread summary of a
 * Chromium trace (and the raw events); BENCH_HOST_NODE_ARGS passes flags to the core's Node
 * (`--trace-gc`), BENCH_HOST_STDOUT=FILE keeps what it prints, BENCH_KAMAILIO_LOG=FILE keeps
 * Kamailio's lines; BENCH_CALLS_OUT=FILE appends each measured call (page, when sent,
 * offer→DOM, offer→frame) as a JSON line, to find which calls make the p99.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { WEBRTC_LOOKING_OFFER as OFFER } from '../test/support/sipp-offers';
import { answeredCall, bye, giveUp, invite, scenario } from '../test/support/sipp-scenario';
import type { Caller } from '../test/support/sipp-scenario';

const CALLS = Number(process.env.BENCH_CALLS ?? 50);
/** BENCH_CALLS_OUT=FILE: one JSON line per measured call (when sent, offer→DOM, offer→frame). */
const callsOut = process.env.BENCH_CALLS_OUT;
const WARM_UPS = 4;
const RING_MS = 400;
const now = () => performance.timeOrigin + performance.now();
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const TICK_MS = 1000 / 100; // USER_HZ on Linux

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** CPU time (ms, all threads) a process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU time (ms) of each live thread of the processes, by thread id (with its name). */
function threadCpuMs(pids: number[]): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  for (const pid of pids) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(`${pid}/${tid}`, {
          name,
          ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
        });
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

/**
 * Where a process's CPU went between two thread snapshots, per call, by thread name; threads
 * that ended meanwhile (their time is in the process total only) are "(ended threads)".
 */
function threadShares(
  before: ReturnType<typeof threadCpuMs>,
  after: ReturnType<typeof threadCpuMs>,
  total: number,
  calls: number,
): string {
  const byName = new Map<string, number>();
  let counted = 0;
  for (const [key, { name, ms }] of after) {
    const used = ms - (before.get(key)?.ms ?? 0);
    counted += used;
    byName.set(name, (byName.get(name) ?? 0) + used);
  }
  byName.set('(ended threads)', total - counted);
  return [...byName]
    .filter(([, ms]) => ms / calls >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${round(ms / calls, 1)}`)
    .join(', ');
}

/** The renderer processes under a Chromium browser process (one page each here). */
function rendererPids(browserPid: number): number[] {
  const children = new Map<number, number[]>();
  const cmd = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      cmd.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (cmd.get(child)?.includes('--type=renderer')) out.push(child);
      walk(child);
    }
  };
  walk(browserPid);
  return out;
}

/** A page's DOM appearance of "ringing", as the page saw it. */
interface Seen {
  text: string;
  at: number;
  frameAt?: number;
}

/**
 * Runs in each page before its own scripts: notes when `selector`'s element starts saying
 * something that includes "ringing-marker" (app: the ringing panel's heading exists; floor: the
 * status text starts with "ringing"), and when the next frame begins.
 */
const WATCH = (check: string) => `(() => {
  let shown = null;
  const check = () => {
    const el = (${check})();
    if (el && el !== shown) {
      const entry = { text: el.textContent || '', at: performance.timeOrigin + performance.now() };
      window.__seen(entry);
      requestAnimationFrame(() => {
        entry.frameAt = performance.timeOrigin + performance.now();
        window.__framed(entry);
      });
    }
    shown = el;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

const APP_RINGING = `() => {
  const h = document.getElementById('ringing-heading');
  return h ? h.closest('section') : null;
}`;
const FLOOR_RINGING = `() => {
  const s = document.getElementById('s');
  return s && s.textContent.startsWith('ringing') ? s.firstChild : null;
}`;

/** The floor: a bare sip.js page. The only thing it does on INVITE is set one element's text. */
const FLOOR_HTML = (config: { wsUrl: string; user: string; password: string; domain: string }) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body>
<p id="s">idle</p>
<script src="/sip.js"></script>
<script>
const s = document.getElementById('s');
let current = null;
const ua = new SIP.UserAgent({
  uri: SIP.UserAgent.makeURI('sip:${config.user}@${config.domain}'),
  transportOptions: { server: '${config.wsUrl}' },
  authorizationUsername: '${config.user}',
  authorizationPassword: '${config.password}',
  logLevel: 'error',
  delegate: {
    onInvite(invitation) {
      current = invitation;
      s.textContent = 'ringing ' + invitation.remoteIdentity.uri.user;
      invitation.stateChange.addListener((state) => {
        if (state === 'Terminated') s.textContent = 'idle';
      });
    },
  },
});
window.answer = () => current && current.accept();
window.hangUp = () => current && current.bye();
window.registered = ua.start().then(() => new SIP.Registerer(ua).register());
</script></body></html>`;

/** sip.js as one IIFE for the floor page (vite, in memory). */
async function sipJsBundle(): Promise<string> {
  const { build } = await import('vite');
  const dir = await mkdtemp(join(tmpdir(), 'bench-sipjs-'));
  const entry = join(dir, 'entry.js');
  await writeFile(entry, "export * from 'sip.js';\n");
  try {
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      root: process.cwd(),
      resolve: { alias: { 'sip.js': resolve('node_modules/sip.js/lib/index.js') } },
      build: {
        write: false,
        minify: true,
        lib: { entry, formats: ['iife'], name: 'SIP', fileName: () => 'sip.js' },
      },
    });
    const result = Array.isArray(output) ? output[0] : output;
    const chunk = (result as { output: { code?: string }[] }).output[0];
    if (!chunk?.code) throw new Error('no sip.js bundle');
    return chunk.code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The core's floor: bare sip.js in its own Node process, on `ws` as the app's line, registered
 * on the same Kamailio. sip.js itself answers 100 and 180, and the CANCEL's 200 and the 487;
 * nothing else runs. What the app's core does per call beyond this is the core's own work.
 * The bench kills it when done (Kamailio goes with it).
 */
const SIP_FLOOR_JS = `
import { Registerer, UserAgent } from 'sip.js';
import { WebSocket } from 'ws';
globalThis.WebSocket = WebSocket;
const c = JSON.parse(process.env.SIP_FLOOR);
const ua = new UserAgent({
  uri: UserAgent.makeURI('sip:' + c.user + '@' + c.domain),
  transportOptions: { server: c.wsUrl },
  authorizationUsername: c.user,
  authorizationPassword: c.password,
  logLevel: 'error',
  delegate: { onInvite() {} },
});
await ua.start();
await new Registerer(ua).register();
`;

// ---------- sipp ----------

/** The called user and the caller come from the injection file, one line per call. */
const CALLER: Caller = { to: '[field0]', caller: '[field1]', host: 'pstn.example' };
const INVITE = `${invite(CALLER, OFFER)}
  <recv response="100" optional="true" />
  <recv response="180" />`;

/** Rings RING_MS, then the caller gives up (CANCEL → 200, 487 → ACK); a pause between calls. */
const CANCELLED = scenario(
  'bench',
  ['domain', 'media'],
  `${INVITE}
  <pause milliseconds="${RING_MS}" />
${giveUp(CALLER)}
  <pause milliseconds="500" />`,
);

/** Answered by the bench; ACK along the recorded route; the caller hangs up after 300 ms. */
const ANSWERED = scenario(
  'bench',
  ['domain', 'media'],
  `${answeredCall(CALLER, OFFER)}
  <pause milliseconds="300" />
${bye(CALLER)}
  <recv response="200" />
  <pause milliseconds="700" />`,
);

interface Target {
  name: 'app' | 'floor' | 'sip-floor';
  sipUser: string;
}

/** A UDP relay sipp → Kamailio that stamps each INVITE as it leaves sipp (by its caller). */
async function inviteStamper(kamailio: { host: string; port: number }) {
  const socket = createSocket('udp4');
  const sent = new Map<string, number>();
  socket.on('message', (message, from) => {
    if (from.port === kamailio.port && from.address === kamailio.host) return;
    const text = message.toString('latin1');
    if (text.startsWith('INVITE ')) {
      const caller = /^From:\s*"(\d+)"/im.exec(text)?.[1];
      if (caller && !sent.has(caller)) sent.set(caller, now());
    }
    socket.send(message, kamailio.port, kamailio.host);
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return {
    port: (socket.address() as AddressInfo).port,
    sent,
    close: () => socket.close(),
  };
}

async function runSipp(options: {
  scratch: string;
  sipp: string;
  relayPort: number;
  domain: string;
  xml: string;
  calls: { target: Target; caller: string }[];
  label: string;
}): Promise<void> {
  const { freeUdpPort } = await import('../src/emulator/sip/free-port');
  const file = join(options.scratch, `${options.label}.xml`);
  const inf = join(options.scratch, `${options.label}.csv`);
  await writeFile(file, options.xml);
  await writeFile(
    inf,
    `SEQUENTIAL\n${options.calls.map((c) => `${c.target.sipUser};${c.caller};`).join('\n')}\n`,
  );
  const port = await freeUdpPort();
  const mediaPort = await freeUdpPort();
  const args = [
    `127.0.0.1:${options.relayPort}`,
    ...['-sf', file, '-inf', inf, '-set', 'domain', options.domain],
    ...['-set', 'media', String(mediaPort)],
    ...['-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort)],
    ...['-m', String(options.calls.length), '-l', '1', '-r', '100'],
    ...['-nostdin', '-timeout', `${30 + options.calls.length * 3}s`, '-timeout_error'],
  ];
  const child = spawn(options.sipp, args, { cwd: options.scratch, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`sipp (${options.label}) exited ${code}:\n${output}`);
}

// ---------- the run ----------

export async function run(): Promise<Record<string, number | string>> {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, SYSTEM, missingSystem } = await import('../test/support/system');
  const missing = missingSystem('chromium', 'kamailio', 'sipp');
  if (missing) return { skipped: missing };
  const { startEmulator, DEMO_EXTENSIONS, DEMO_SIP_DOMAIN } = await import('../src/emulator/index');
  const { startKamailio } = await import('../src/emulator/sip/kamailio');
  const { silentLogger } = await import('../src/lib/ports');
  const { signIn } = await import('../test/support/agent-window');

  const scratch = await mkdtemp(join(tmpdir(), 'bench-ringing-'));
  const stops: Array<() => unknown> = [];
  try {
    const emulator = await startEmulator({ port: 0, auth: 'generate' });
    stops.push(() => emulator.close());
    // BENCH_KAMAILIO_LOG=FILE keeps Kamailio's own lines (a run that ends in 480 for one page).
    const kamailioLog = process.env.BENCH_KAMAILIO_LOG;
    const keepLine = (message: string) =>
      appendFileSync(kamailioLog!, `${new Date().toISOString()} ${message}\n`);
    const kamailio = await startKamailio({
      directory: emulator.store,
      domain: DEMO_SIP_DOMAIN,
      logger: kamailioLog
        ? { debug: keepLine, info: keepLine, warn: keepLine, error: keepLine }
        : silentLogger,
    });
    stops.push(() => kamailio.stop());
    const [kHost, kPort] = kamailio.udpAddress.split(':');
    const relay = await inviteStamper({ host: kHost!, port: Number(kPort) });
    stops.push(() => relay.close());

    // The app: the core in its own process with its normal logging, as `npm run host` runs it.
    const credentials = emulator.credentials!;
    const profileArgs = [
      ...(process.env.BENCH_PROFILE || process.env.BENCH_PHASES?.split(',').includes('soak')
        ? ['--inspect=127.0.0.1:0']
        : []),
      ...(process.env.BENCH_HOST_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ];
    const host = spawn(
      process.execPath,
      [...profileArgs, '--import', 'tsx', 'src/dev-host/cli.ts'],
      {
        env: {
          ...process.env,
          AGENT_DESKTOP_PLATFORM_URL: emulator.baseUrl,
          AGENT_DESKTOP_APP_ID: credentials.appId,
          AGENT_DESKTOP_CERT_ID: credentials.certId,
          AGENT_DESKTOP_SECRET_KEY: credentials.secretKey,
          AGENT_DESKTOP_SIP_WS_URL: kamailio.wsUrl,
          // The window in Chinese, as on the floor (the sign-in helper reads its labels).
          LC_ALL: 'zh_CN.UTF-8',
          LANG: 'zh_CN.UTF-8',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    stops.push(
      () =>
        new Promise<void>((done) => {
          const guard = setTimeout(() => host.kill('SIGKILL'), 5000);
          host.once('exit', () => {
            clearTimeout(guard);
            done();
          });
          host.kill('SIGTERM');
        }),
    );
    let hostLog = 0;
    let inspectorUrl: string | null = null;
    host.stderr.on('data', (chunk: Buffer) => {
      hostLog += chunk.length;
      inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1] ?? null;
    });
    const hostUrl = await new Promise<string>((done, fail) => {
      let out = '';
      host.stdout.on('data', (chunk: Buffer) => {
        if (process.env.BENCH_HOST_STDOUT) appendFileSync(process.env.BENCH_HOST_STDOUT, chunk);
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) done((JSON.parse(line) as { url: string }).url);
      });
      host.once('exit', (code) => fail(new Error(`the host exited ${code}`)));
    });

    // The floor: a bare sip.js page on its own little server.
    const floorExt = DEMO_EXTENSIONS[4]!;
    const appExt = DEMO_EXTENSIONS[0]!;
    const bundle = await sipJsBundle();
    const html = FLOOR_HTML({
      wsUrl: kamailio.wsUrl,
      user: floorExt.sipUser,
      password: floorExt.password,
      domain: DEMO_SIP_DOMAIN,
    });
    const floorServer = createServer((req, res) => {
      const js = req.url === '/sip.js';
      res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html; charset=utf-8' });
      res.end(js ? bundle : html);
    });
    await new Promise<void>((done) => floorServer.listen(0, '127.0.0.1', done));
    stops.push(() => floorServer.close());
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`;

    // One browser each, so each page's renderer is its own process.
    const launch = (name: string) =>
      chromium.launch({
        executablePath: SYSTEM.chromium,
        args: [...CHROMIUM_ARGS, `--bench-browser=${name}-${process.pid}`],
        timeout: 30_000,
      });
    const browsers: Record<'app' | 'floor', Browser> = {
      app: await launch('app'),
      floor: await launch('floor'),
    };
    stops.push(
      () => browsers.app.close(),
      () => browsers.floor.close(),
    );

    const seen = { app: new Map<string, Seen>(), floor: new Map<string, Seen>() };
    const framed = { app: new Map<string, Seen>(), floor: new Map<string, Seen>() };
    const answerOnRing = { on: false };
    const pages = {} as Record<'app' | 'floor', Page>;
    const callerOf = (text: string) => /(\d{11})/.exec(text)?.[1] ?? '';
    for (const name of ['app', 'floor'] as const) {
      const context = await browsers[name].newContext({
        locale: 'zh-CN',
        viewport: { width: 1100, height: 760 },
      });
      const page = await context.newPage();
      pages[name] = page;
      await page.exposeFunction('__seen', (entry: Seen) =>
        seen[name].set(callerOf(entry.text), entry),
      );
      await page.exposeFunction('__framed', (entry: Seen) => {
        framed[name].set(callerOf(entry.text), entry);
        if (!answerOnRing.on) return;
        // Answer as a person would: once it is on screen.
        if (name === 'app') void page.keyboard.press('Enter').catch(() => undefined);
        else void page.evaluate('window.answer()').catch(() => undefined);
      });
      await page.addInitScript(WATCH(name === 'app' ? APP_RINGING : FLOOR_RINGING));
    }
    await pages.app.goto(hostUrl);
    await signIn(pages.app, { name: 'bench_ringing', extension: appExt.id, initialState: '空闲' });
    await pages.floor.goto(floorUrl);
    await pages.floor.evaluate('window.registered');
    // Both registered on Kamailio (the app's line registers after sign-in).
    const deadline = Date.now() + 15_000;
    const both = () =>
      emulator.store.isExtensionRegistered(appExt.id) &&
      emulator.store.isExtensionRegistered(floorExt.id);
    while (!both() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }

    const cdp = {} as Record<'app' | 'floor', CDPSession>;
    for (const name of ['app', 'floor'] as const) {
      cdp[name] = await pages[name].context().newCDPSession(pages[name]);
      await cdp[name].send('Performance.enable', { timeDomain: 'threadTicks' });
    }
    const offsets = {
      app: await clockOffset(pages.app),
      floor: await clockOffset(pages.floor),
    };
    const renderer = {
      app: rendererPids(browserPid(`--bench-browser=app-${process.pid}`)),
      floor: rendererPids(browserPid(`--bench-browser=floor-${process.pid}`)),
    };

    let serial = 0;
    const appTarget: Target = { name: 'app', sipUser: appExt.sipUser };
    const floorTarget: Target = { name: 'floor', sipUser: floorExt.sipUser };
    /** `count` calls each, the app and `other` in turn. */
    const plan = (count: number, other = floorTarget) =>
      Array.from({ length: count * 2 }, (_, i) => ({
        target: i % 2 === 0 ? appTarget : other,
        caller: `139${String(++serial).padStart(8, '0')}`,
      }));
    const sipp = (label: string, xml: string, calls: ReturnType<typeof plan>) =>
      runSipp({
        scratch,
        sipp: SYSTEM.sipp,
        relayPort: relay.port,
        domain: DEMO_SIP_DOMAIN,
        xml,
        calls,
        label,
      }).catch((error: Error) => {
        // A page whose registration went (Kamailio then answers 480 for it): say which.
        const registered = (id: string) => emulator.store.isExtensionRegistered(id);
        error.message += `\nregistered now: app ${registered(appExt.id)}, floor ${registered(floorExt.id)} (${appExt.sipUser} / ${floorExt.sipUser})`;
        throw error;
      });

    await sipp('warm-up', CANCELLED, plan(WARM_UPS));
    const figures: Record<string, number | string> = {
      date: new Date().toISOString().slice(0, 10),
      machine: `${(await import('node:os')).cpus().length} cores, Node ${process.version}`,
      calls_each: CALLS,
      ring_ms: RING_MS,
    };
    const load: number[] = [loadavg()[0]!];

    // BENCH_PHASES=cancelled (or answered, quiet, sip-floor) runs those only, for quicker rounds.
    const phases = (process.env.BENCH_PHASES ?? 'cancelled,answered,quiet,sip-floor').split(',');
    const quietS = Number(process.env.BENCH_QUIET_S ?? 30);
    for (const [phase, xml] of (
      [
        ['cancelled', CANCELLED],
        ['answered', ANSWERED],
        ['quiet', ''],
      ] as const
    ).filter(([name]) => phases.includes(name))) {
      answerOnRing.on = phase === 'answered';
      const calls = phase === 'quiet' ? [] : plan(CALLS);
      const before = {
        app: await sample(cdp.app),
        floor: await sample(cdp.floor),
      };
      const cpuBefore = {
        app: renderer.app.reduce((t, p) => t + cpuMs(p), 0),
        floor: renderer.floor.reduce((t, p) => t + cpuMs(p), 0),
        core: cpuMs(host.pid!),
      };
      const threadsBefore = {
        core: threadCpuMs([host.pid!]),
        app: threadCpuMs(renderer.app),
        floor: threadCpuMs(renderer.floor),
      };
      // BENCH_PROFILE=DIR: the app page's CPU profile and its WebSocket frames in this phase.
      const profile = process.env.BENCH_PROFILE;
      let coreProfiler: Awaited<ReturnType<typeof inspectorSession>> | null = null;
      const frames: number[] = [];
      const frameHeads: string[] = [];
      const frameChars = Number(process.env.BENCH_FRAME_CHARS ?? 60);
      const onFrame = (e: { response: { payloadData: string } }) => {
        frames.push(e.response.payloadData.length);
        const data = e.response.payloadData;
        frameHeads.push(`${data.length} ${data.slice(0, frameChars)}`);
      };
      if (profile) {
        await cdp.app.send('Network.enable');
        cdp.app.on('Network.webSocketFrameReceived', onFrame);
        await cdp.app.send('Profiler.enable');
        await cdp.app.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.app.send('Profiler.start');
        if (!inspectorUrl) throw new Error('the host printed no inspector URL');
        coreProfiler = await inspectorSession(inspectorUrl);
        await coreProfiler.send('Profiler.enable');
        // The core's own sampling costs it several times its real CPU at 200 µs: a coarser
        // interval (BENCH_CORE_PROFILE_US) keeps the shares closer to the unprofiled run's.
        const interval = Number(process.env.BENCH_CORE_PROFILE_US ?? 200);
        await coreProfiler.send('Profiler.setSamplingInterval', { interval });
        await coreProfiler.send('Profiler.start');
        // What the core allocates, garbage included: what its collections cost follows from it.
        await coreProfiler.send('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      }
      const trace = process.env.BENCH_TRACE;
      const events: {
        name: string;
        dur?: number;
        ph: string;
        tid: number;
        cat: string;
        args?: { name?: string };
      }[] = [];
      if (trace) {
        cdp.app.on('Tracing.dataCollected', (e) =>
          events.push(...(e.value as unknown as typeof events)),
        );
        await cdp.app.send('Tracing.start', {
          categories:
            'devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.stack,blink,cc,gpu,viz,audio,media,toplevel',
          transferMode: 'ReportEvents',
        });
      }
      const phaseStarted = now();
      // Quiet: no call, measured (and traced, profiled) the same way.
      if (phase === 'quiet') await new Promise((r) => setTimeout(r, quietS * 1000));
      else await sipp(phase, xml, calls);
      if (phase !== 'quiet') {
        figures[`${phase}_wall_ms_per_call`] = round((now() - phaseStarted) / calls.length, 0);
      }
      if (trace) {
        const done = new Promise((r) => cdp.app.once('Tracing.tracingComplete', r));
        await cdp.app.send('Tracing.end');
        await done;
        const threadName = new Map<number, string>();
        for (const e of events)
          if (e.ph === 'M' && e.name === 'thread_name') threadName.set(e.tid, e.args?.name ?? '');
        const byName = new Map<string, number>();
        const counts = new Map<string, number>();
        for (const e of events)
          if (e.ph === 'X' && e.dur) {
            const key = `${e.tid}:${threadName.get(e.tid) ?? '?'} ${e.cat} ${e.name}`;
            byName.set(key, (byName.get(key) ?? 0) + e.dur / 1000);
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        // Per call; per second for the quiet phase.
        const per = phase === 'quiet' ? quietS : CALLS;
        await writeFile(join(trace, `${phase}-trace.json`), JSON.stringify(events));
        await writeFile(
          join(trace, `${phase}-trace.txt`),
          [...byName]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 80)
            .map(
              ([k, v]) =>
                `${(v / per).toFixed(2)} ×${((counts.get(k) ?? 0) / per).toFixed(1)} ${k}`,
            )
            .join('\n'),
        );
      }
      if (profile) {
        const { profile: cpu } = await cdp.app.send('Profiler.stop');
        cdp.app.off('Network.webSocketFrameReceived', onFrame);
        await writeFile(join(profile, `${phase}-app.cpuprofile`), JSON.stringify(cpu));
        const core = (await coreProfiler!.send('Profiler.stop')) as { profile: unknown };
        const heap = (await coreProfiler!.send('HeapProfiler.stopSampling')) as {
          profile: unknown;
        };
        await writeFile(join(profile, `${phase}-core.heapprofile`), JSON.stringify(heap.profile));
        coreProfiler!.close();
        await writeFile(join(profile, `${phase}-core.cpuprofile`), JSON.stringify(core.profile));
        await writeFile(join(profile, `${phase}-frames.txt`), frameHeads.join('\n'));
        figures[`${phase}_app_ws_frames_per_call`] = round(frames.length / CALLS);
        figures[`${phase}_app_ws_bytes_per_call`] = Math.round(
          frames.reduce((a, b) => a + b, 0) / CALLS,
        );
      }
      const cpuAfter = {
        app: renderer.app.reduce((t, p) => t + cpuMs(p), 0),
        floor: renderer.floor.reduce((t, p) => t + cpuMs(p), 0),
        core: cpuMs(host.pid!),
      };
      const threadsAfter = {
        core: threadCpuMs([host.pid!]),
        app: threadCpuMs(renderer.app),
        floor: threadCpuMs(renderer.floor),
      };
      if (phase === 'quiet') {
        figures.quiet_s = quietS;
        figures.quiet_app_renderer_cpu_ms_per_s = round((cpuAfter.app - cpuBefore.app) / quietS);
        figures.quiet_app_renderer_threads_ms_per_s = threadShares(
          threadsBefore.app,
          threadsAfter.app,
          cpuAfter.app - cpuBefore.app,
          quietS,
        );
        figures.quiet_floor_renderer_cpu_ms_per_s = round(
          (cpuAfter.floor - cpuBefore.floor) / quietS,
        );
        figures.quiet_core_cpu_ms_per_s = round((cpuAfter.core - cpuBefore.core) / quietS);
        load.push(loadavg()[0]!);
        continue;
      }
      await new Promise((r) => setTimeout(r, 300));
      const after = {
        app: await sample(cdp.app),
        floor: await sample(cdp.floor),
      };
      load.push(loadavg()[0]!);
      for (const name of ['app', 'floor'] as const) {
        const mine = calls.filter((c) => c.target.name === name);
        const dom: number[] = [];
        const frame: number[] = [];
        for (const { caller } of mine) {
          const sent = relay.sent.get(caller);
          const shown = seen[name].get(caller);
          const frameAt = framed[name].get(caller)?.frameAt;
          if (sent === undefined || !shown) continue;
          const domMs = shown.at - offsets[name].offset - sent;
          const frameMs = frameAt === undefined ? null : frameAt - offsets[name].offset - sent;
          dom.push(domMs);
          if (frameMs !== null) frame.push(frameMs);
          if (callsOut) {
            const row = {
              phase,
              page: name,
              caller,
              sentAt: round(sent),
              domMs: round(domMs),
              frameMs: frameMs === null ? null : round(frameMs),
            };
            appendFileSync(callsOut, `${JSON.stringify(row)}\n`);
          }
        }
        const p = `${phase}_${name}`;
        figures[`${p}_seen`] = `${dom.length}/${mine.length}`;
        figures[`${p}_offer_to_dom_p50_ms`] = round(percentile(dom, 50));
        figures[`${p}_offer_to_dom_p90_ms`] = round(percentile(dom, 90));
        figures[`${p}_offer_to_dom_p99_ms`] = round(percentile(dom, 99));
        figures[`${p}_offer_to_frame_p50_ms`] = round(percentile(frame, 50));
        figures[`${p}_offer_to_frame_p90_ms`] = round(percentile(frame, 90));
        figures[`${p}_offer_to_frame_p99_ms`] = round(percentile(frame, 99));
        figures[`${p}_renderer_cpu_ms_per_call`] = round(
          (cpuAfter[name] - cpuBefore[name]) / mine.length,
        );
        figures[`${p}_renderer_threads_ms_per_call`] = threadShares(
          threadsBefore[name],
          threadsAfter[name],
          cpuAfter[name] - cpuBefore[name],
          mine.length,
        );
        // Where the main thread's share goes (the rest of the process: audio, compositor, IO).
        const perCall = (key: 'task' | 'script' | 'style' | 'layout') =>
          round(((after[name][key] - before[name][key]) * 1000) / mine.length);
        figures[`${p}_main_thread_ms_per_call`] = perCall('task');
        figures[`${p}_script_ms_per_call`] = perCall('script');
        figures[`${p}_style_layout_ms_per_call`] = round(perCall('style') + perCall('layout'));
        figures[`${p}_heap_mb_before`] = round(before[name].heapMb);
        figures[`${p}_heap_mb_after`] = round(after[name].heapMb);
        figures[`${p}_dom_nodes_before`] = before[name].domNodes;
        figures[`${p}_dom_nodes_after`] = after[name].domNodes;
      }
      figures[`${phase}_core_cpu_ms_per_call`] = round((cpuAfter.core - cpuBefore.core) / CALLS);
      figures[`${phase}_core_threads_ms_per_call`] = threadShares(
        threadsBefore.core,
        threadsAfter.core,
        cpuAfter.core - cpuBefore.core,
        CALLS,
      );
      const ratio = (a: string, b: string) => round(Number(figures[a]) / Number(figures[b]));
      figures[`${phase}_ratio_dom_p50`] = ratio(
        `${phase}_app_offer_to_dom_p50_ms`,
        `${phase}_floor_offer_to_dom_p50_ms`,
      );
      figures[`${phase}_ratio_dom_p99`] = ratio(
        `${phase}_app_offer_to_dom_p99_ms`,
        `${phase}_floor_offer_to_dom_p99_ms`,
      );
      figures[`${phase}_ratio_renderer_cpu`] = ratio(
        `${phase}_app_renderer_cpu_ms_per_call`,
        `${phase}_floor_renderer_cpu_ms_per_call`,
      );
    }
    // The phases after these ring the app too, and expect it to ring, not answer.
    answerOnRing.on = false;
    // Soak: the app alone, hundreds of calls, heap read after forced collections (bench/soak.ts).
    if (phases.includes('soak')) {
      if (!inspectorUrl) throw new Error('the host printed no inspector URL');
      const core = await inspectorSession(inspectorUrl);
      stops.push(() => core.close());
      const { soak } = await import('./soak');
      Object.assign(
        figures,
        await soak({
          ring: async (count, answered) => {
            answerOnRing.on = answered;
            const calls = Array.from({ length: count }, () => ({
              target: appTarget,
              caller: `139${String(++serial).padStart(8, '0')}`,
            }));
            // Hundreds of sipp runs: one whose media port was taken meanwhile (it made no call)
            // is run again rather than losing the soak.
            for (let attempt = 1; ; attempt++) {
              try {
                await sipp(
                  answered ? 'soak-answered' : 'soak-cancelled',
                  answered ? ANSWERED : CANCELLED,
                  calls,
                );
                break;
              } catch (error) {
                if (attempt >= 3 || !/Unable to bind/.test(String(error))) throw error;
              }
            }
            answerOnRing.on = false;
          },
          window: cdp.app,
          core,
          windowPids: renderer.app,
          corePid: host.pid!,
        }),
      );
      load.push(loadavg()[0]!);
    }
    // The core against bare sip.js in Node: a run of its own (app and Node floor in turn), so
    // the browser figures above keep their two-way interleave.
    if (phases.includes('sip-floor')) {
      const ext = DEMO_EXTENSIONS[3]!;
      const floor = spawn(process.execPath, ['--input-type=module', '-e', SIP_FLOOR_JS], {
        env: {
          ...process.env,
          SIP_FLOOR: JSON.stringify({
            wsUrl: kamailio.wsUrl,
            user: ext.sipUser,
            password: ext.password,
            domain: DEMO_SIP_DOMAIN,
          }),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let floorErr = '';
      floor.stderr.on('data', (chunk: Buffer) => (floorErr = (floorErr + chunk).slice(-2000)));
      stops.push(() => floor.kill('SIGKILL'));
      const until = Date.now() + 15_000;
      while (!emulator.store.isExtensionRegistered(ext.id)) {
        if (Date.now() > until || floor.exitCode !== null)
          throw new Error(`the Node sip.js floor did not register:\n${floorErr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const target: Target = { name: 'sip-floor', sipUser: ext.sipUser };
      await sipp('sip-floor-warm-up', CANCELLED, plan(WARM_UPS, target));
      const before = { core: cpuMs(host.pid!), floor: cpuMs(floor.pid!) };
      await sipp('sip-floor', CANCELLED, plan(CALLS, target));
      const after = { core: cpuMs(host.pid!), floor: cpuMs(floor.pid!) };
      load.push(loadavg()[0]!);
      figures.sip_floor_core_cpu_ms_per_call = round((after.core - before.core) / CALLS);
      figures.sip_floor_cpu_ms_per_call = round((after.floor - before.floor) / CALLS);
      figures.sip_floor_ratio_core_cpu = round(
        figures.sip_floor_core_cpu_ms_per_call / figures.sip_floor_cpu_ms_per_call,
      );
    }
    figures.load_average = load.map((l) => l.toFixed(2)).join(' → ');
    figures.host_log_bytes = hostLog;
    figures.page_clock_uncertainty_ms = round(
      Math.max(offsets.app.uncertainty, offsets.floor.uncertainty),
      3,
    );
    figures.targets =
      'dom p50 ≤ 1.4× floor, p99 ≤ 1.5× floor; renderer CPU ≤ 2× floor and ≤ 40 ms; core ≤ 6 ms (bare sip.js in Node: sip_floor_cpu_ms_per_call); heap ≤ 4 MiB; DOM flat';
    return figures;
  } finally {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch {
        // already gone
      }
    }
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The Chromium browser process whose command line carries `marker`. */
function browserPid(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(marker) && !cmd.includes('--type=')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no Chromium browser process with ${marker}`);
}

/** A minimal inspector-protocol client for the host process (profiles, the soak's heap). */
async function inspectorSession(url: string) {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(url);
  await new Promise((done, fail) => socket.once('open', done).once('error', fail));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  const listeners = new Set<{ method: string; fn: (params: Record<string, unknown>) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    }
    for (const l of listeners) if (l.method === message.method) l.fn(message.params ?? {});
  });
  return {
    /** Listens to an event (heap snapshot chunks); returns how to stop. */
    on(method: string, fn: (params: Record<string, unknown>) => void): () => void {
      const entry = { method, fn };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    send(method: string, params: object = {}): Promise<unknown> {
      const mine = ++id;
      socket.send(JSON.stringify({ id: mine, method, params }));
      return new Promise((done) => pending.set(mine, done));
    },
    close: () => socket.close(),
  };
}

async function clockOffset(page: Page): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: 0, uncertainty: Infinity };
  for (let i = 0; i < 20; i++) {
    const sent = now();
    const pageTime = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = now();
    const uncertainty = (back - sent) / 2;
    if (uncertainty < best.uncertainty)
      best = { offset: pageTime - (sent + back) / 2, uncertainty };
  }
  return best;
}

interface Sample {
  heapMb: number;
  domNodes: number;
  /** Main-thread seconds so far (CDP thread time): all tasks, script, style, layout. */
  task: number;
  script: number;
  style: number;
  layout: number;
}

async function sample(cdp: CDPSession): Promise<Sample> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  return {
    heapMb: usedSize / 1024 / 1024,
    domNodes: dom.nodes,
    task: metric('TaskDuration'),
    script: metric('ScriptDuration'),
    style: metric('RecalcStyleDuration'),
    layout: metric('LayoutDuration'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await run();
  console.table(figures);
  console.log(JSON.stringify(figures));
  process.exit(0);
}
