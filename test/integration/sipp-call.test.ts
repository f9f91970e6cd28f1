/**
 * An external caller: sipp (an independent SIP client over UDP) calls the agent's extension
 * through a real Kamailio (the shipped config, the emulator's store as its directory), and the
 * agent desktop — real core, SIP line registered over Kamailio's WebSocket, the real renderer in
 * Chromium — rings. The agent rejects (sipp gets 603), answers and hangs up (sipp ACKs along the
 * recorded route and gets the agent's BYE), or the caller gives up (sipp CANCELs, gets 487).
 *
 * The platform did not route these calls, so it never moved the agent: the desktop shows 振铃中
 * (`fetching`) at once, as for every INVITE on the agent's extension, and its read-back then
 * shows what the platform holds (空闲) while the ringing panel stays. The platform is the source
 * of truth for the agent's state; the call panel is the SIP line's.
 *
 * Each step waits on something observable (the window's panels, sipp's own record of the 180,
 * sipp's exit); sipp is bounded by its own -timeout and killed by pid on overrun.
 */
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/ports';
import { DEMO_EXTENSIONS, DEMO_SIP_DOMAIN } from '../../src/emulator/index';
import { freeUdpPort } from '../../src/emulator/sip/free-port';
import { startKamailio } from '../../src/emulator/sip/kamailio';
import type { RunningKamailio } from '../../src/emulator/sip/kamailio';
import { announced } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { startSipp } from './support/sipp';
import { waitFor } from '../support/wait';
import {
  openCallsWorld,
  panelShown,
  ringingPanel,
  signInRoutable,
  talkingPanel,
  untilSnapshot,
} from '../e2e/calls-support';
import type { CallsWorld, Desk } from '../e2e/calls-support';
import { WEBRTC_LOOKING_OFFER as OFFER } from '../support/sipp-offers';
import {
  ackAnswer,
  ackFailure,
  byeAnswered,
  giveUp,
  invite,
  scenario,
} from '../support/sipp-scenario';
import type { Caller } from '../support/sipp-scenario';

const skip = missingSystem('chromium', 'kamailio', 'sipp');
const EXT = DEMO_EXTENSIONS[3]!;
const NAME = 'agent_ext';

// ---------- the scenarios (sipp XML, written to a scratch directory per run) ----------

const CALLER: Caller = { to: '[service]', caller: '[$caller]', host: 'pstn.example' };

/** INVITE from a caller outside the domain (Kamailio asks no digest of it), then the 180. */
const INVITE = `${invite(CALLER, OFFER)}
  <recv response="100" optional="true" />
  <!-- The agent's phone alerts: say so on disk, where the test waits for it. -->
  <recv response="180">
    <action><exec command="echo ringing > [$flag]" /></action>
  </recv>`;

const VARIABLES = ['domain', 'caller', 'flag', 'media'];

const SCENARIOS = {
  /** The agent rejects: 603 Decline (486/480 would do too), ACKed. */
  rejected: scenario(
    'external caller, the agent rejects',
    VARIABLES,
    `${INVITE}
  <recv response="603" />
${ackFailure(CALLER)}`,
  ),

  /** The agent answers: ACK along the recorded route; later the agent's BYE, answered 200. */
  answered: scenario(
    'external caller, the agent answers and hangs up',
    VARIABLES,
    `${INVITE}
  <recv response="200" rrs="true" />
${ackAnswer(CALLER)}
${byeAnswered}`,
  ),

  /**
   * The caller gives up: once the test has seen the window ring it sends sipp an OPTIONS in the
   * call (the go signal; sipp offers no other way to wait for an outside event), and sipp
   * CANCELs the INVITE (same branch), gets 200 for the CANCEL and 487 for the INVITE (either
   * order), ACKs.
   */
  cancelled: scenario(
    'external caller gives up',
    VARIABLES,
    `${INVITE}
  <recv request="OPTIONS" />
${giveUp(CALLER)}`,
  ),
} as const;

// ---------- running sipp ----------

interface SippCall {
  /** sipp's UDP port (the go signal goes there). */
  port: number;
  callId: string;
  /** True once sipp received the 180. */
  ringing(): boolean;
  exited: Promise<{ code: number | null; output: string }>;
}

let scratch: string;
const children: number[] = [];

async function callExtension(kind: keyof typeof SCENARIOS, caller: string): Promise<SippCall> {
  const file = join(scratch, `${kind}.xml`);
  await writeFile(file, SCENARIOS[kind]);
  const port = await freeUdpPort();
  const mediaPort = await freeUdpPort();
  const flag = join(scratch, `${kind}-${caller}.ringing`);
  const callId = `${kind}-${caller}@127.0.0.1`;
  const args = [
    kamailio.udpAddress,
    ...['-sf', file, '-s', EXT.sipUser, '-cid_str', callId],
    ...['-set', 'domain', DEMO_SIP_DOMAIN, '-set', 'caller', caller, '-set', 'flag', flag],
    ...['-set', 'media', String(mediaPort)],
    ...['-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort)],
    ...['-m', '1', '-nostdin', '-timeout', '15s', '-timeout_error'],
  ];
  const { exited } = startSipp(args, scratch, 20_000, children);
  return {
    port,
    callId,
    ringing: () => existsSync(flag) && readFileSync(flag, 'utf8').startsWith('ringing'),
    exited,
  };
}

/** `step`, unless sipp ends first (then its output says why). */
function whileSippRuns<T>(call: SippCall, step: Promise<T>): Promise<T> {
  const ended = call.exited.then((run) =>
    Promise.reject(new Error(`sipp ended early (exit ${run.code}):\n${run.output}`)),
  );
  ended.catch(() => undefined);
  return Promise.race([step, ended]);
}

/** The go signal: an OPTIONS in sipp's call (matched by Call-ID), straight to its port. */
async function tellSipp(call: SippCall): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  const { port } = socket.address();
  const message = [
    `OPTIONS sip:sipp@127.0.0.1:${call.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-go-${port}`,
    'From: <sip:test@127.0.0.1>;tag=go',
    'To: <sip:sipp@127.0.0.1>',
    `Call-ID: ${call.callId}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  await new Promise<void>((done, fail) =>
    socket.send(message, call.port, '127.0.0.1', (error) => (error ? fail(error) : done())),
  );
  socket.close();
}

let kamailio: RunningKamailio;

describe.skipIf(skip)(skip ?? 'an external caller through Kamailio (sipp, Chromium)', () => {
  let world: CallsWorld;
  let desk: Desk;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agent-desktop-sipp-call-'));
    world = await openCallsWorld();
    kamailio = await startKamailio({
      directory: world.emulator.store,
      domain: DEMO_SIP_DOMAIN,
      logger: silentLogger,
    });
    // The desktop's SIP line registers over Kamailio's WebSocket instead of the emulator's.
    desk = await world.openDesk({ settings: { sipWsUrl: kamailio.wsUrl } });
    await signInRoutable(world, desk, { name: NAME, extension: EXT.id });
    expect(desk.snapshot().sip).toMatchObject({ state: 'registered' });
  });
  afterEach(() => {
    for (const pid of children.splice(0)) process.kill(pid, 'SIGKILL');
  });
  afterAll(async () => {
    await world?.close();
    await kamailio?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const button = (name: string) => desk.page.getByRole('button', { name, exact: true });

  /** sipp calls; the window rings with the caller; `fetching` at once, then what the platform holds. */
  async function rings(kind: keyof typeof SCENARIOS, caller: string): Promise<SippCall> {
    const states = desk.states.length;
    const call = await callExtension(kind, caller);
    await whileSippRuns(call, ringingPanel(desk.page).filter({ hasText: caller }).waitFor());
    await whileSippRuns(call, waitFor(call.ringing, 'sipp to receive the 180'));
    // The platform never routed this call: the read-back shows the agent as it holds it.
    await announced(desk.page, '空闲');
    expect(desk.states.slice(states)).toEqual(['fetching', 'idle']);
    expect(world.emulator.store.agentStatus(NAME)?.state).toBe('idle');
    expect(await ringingPanel(desk.page).isVisible()).toBe(true);
    return call;
  }

  it('the agent rejects: sipp gets 603 and the offer is listed as rejected', async () => {
    const call = await rings('rejected', '02161234567');
    await button('拒接').click();
    const run = await call.exited;
    expect(run.code, run.output).toBe(0);
    await ringingPanel(desk.page).waitFor({ state: 'detached' });
    const entry = desk.page.getByRole('listitem').filter({ hasText: '02161234567' });
    await entry.filter({ hasText: '已拒接' }).waitFor();
    await entry.filter({ hasText: '平台随后将状态设为：空闲' }).waitFor();
  });

  it('the agent answers and hangs up: ACK and BYE follow the recorded route', async () => {
    const call = await rings('answered', '02161234568');
    await button('接听').click();
    await talkingPanel(desk.page).waitFor();
    await untilSnapshot(desk, 'the call talking', (s) => s.call?.phase === 'talking');
    await button('挂断').click();
    const run = await call.exited;
    expect(run.code, run.output).toBe(0);
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
    await untilSnapshot(desk, 'no call', (s) => s.call === null);
    expect(desk.snapshot().missed.map((m) => m.caller)).not.toContain('02161234568');
  });

  it('the caller gives up: sipp CANCELs, gets 487; listed as the caller gave up', async () => {
    const call = await rings('cancelled', '02161234569');
    await tellSipp(call);
    const run = await call.exited;
    expect(run.code, run.output).toBe(0);
    await panelShown(desk, 'ringing', '02161234569');
    await ringingPanel(desk.page).waitFor({ state: 'detached' });
    const entry = desk.page.getByRole('listitem').filter({ hasText: '02161234569' });
    await entry.filter({ hasText: '对方已挂断' }).waitFor();
    expect(world.emulator.store.agentStatus(NAME)?.state).toBe('idle');
  });

  it('auto-answer on: a call straight to the extension (not routed) still rings', async () => {
    const on = await desk.core.dispatch('settings:update', {
      autoAnswer: true,
      autoAnswerDelaySeconds: 0,
    });
    expect(on.ok).toBe(true);
    try {
      const call = await rings('rejected', '02161234570');
      await desk.page.getByText('自动接听已开启').waitFor();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(desk.snapshot().call).toMatchObject({ phase: 'ringing' });
      expect(desk.snapshot().call?.autoAnswerAt ?? null).toBeNull();
      expect(await ringingPanel(desk.page).isVisible()).toBe(true);
      await button('拒接').click();
      const run = await call.exited;
      expect(run.code, run.output).toBe(0);
    } finally {
      await desk.core.dispatch('settings:update', { autoAnswer: false });
    }
  });
});
