/**
 * An answered call while the SIP server goes away: sipp (an outside caller over UDP) calls the
 * agent's extension through a real Kamailio, the line answers, and Kamailio is stopped and
 * started again on the same ports (or the line's WebSocket is cut). The call must outlive it:
 * its media is the window's and does not pass through Kamailio's WebSocket, so the agent keeps
 * talking while the line registers again, and the line then re-INVITEs from its new connection
 * so that the customer's BYE reaches the agent there. An agent who hangs up meanwhile is done at
 * once, and the customer gets the BYE when the line is back. A call still ringing ends (its
 * answer could only go back over the lost connection) and says why.
 *
 * sipp is bounded by its own -timeout and killed by pid on overrun; every wait is on an event.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { freeUdpPort } from '../../src/emulator/sip/free-port';
import { silentLogger, systemClock } from '../../src/lib/ports';
import { createSipLine } from '../../src/main/sip/index';
import type { RunningKamailio } from '../../src/emulator/sip/kamailio';
import type { CallEnd, CallMedia, IncomingCall } from '../../src/main/sip/call-types';
import type { SipLine } from '../../src/main/sip/types';
import { missingSystem } from '../support/system';
import { startSipp } from './support/sipp';
import { waitFor } from '../support/wait';
import { WEBRTC_LOOKING_OFFER as OFFER } from '../support/sipp-offers';
import { answeredCall, byeAnswered, reinviteAnswered, scenario } from '../support/sipp-scenario';
import type { Caller } from '../support/sipp-scenario';
import { FAST_TIMING, untilState } from '../main/sip/support/line';
import { startTcpProxy } from '../main/sip/support/tcp-proxy';
import type { TcpProxy } from '../main/sip/support/tcp-proxy';
import { DOMAIN, demoDirectory, portsOf, startTestKamailio } from './support/kamailio';
import type { RecordingDirectory } from './support/recording-directory';

const skip = missingSystem('kamailio', 'sipp');
const EXT = DEMO_EXTENSIONS[2]!;
const CALLER: Caller = { to: '[service]', caller: '13900000001', host: 'pstn.example' };
const ANSWER = (media: string) =>
  OFFER.replace(/\[\$media\]/g, media).replace('a=setup:actpass', 'a=setup:active');

/**
 * The customer: calls, takes the answer, ACKs; then takes the line's re-INVITE from its new
 * connection (its Contact, with the new connection's alias, is where the dialog now goes),
 * answers it, and hangs up: BYE to that Contact along the route recorded at the start.
 */
const KEPT = scenario(
  'a call kept over a SIP server restart',
  ['domain', 'media'],
  `${answeredCall(CALLER, OFFER)}
  <recv request="INVITE">
    <action>
      <ereg regexp="&lt;(sip:[^&gt;]*)&gt;" search_in="hdr" header="Contact:" check_it="true" assign_to="whole,target" />
    </action>
  </recv>
${reinviteAnswered(CALLER, ANSWER('[$media]'))}
  <recv request="ACK" />
  <send retrans="500">
    <![CDATA[

      BYE [$target] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "${CALLER.caller}" <sip:${CALLER.caller}@${CALLER.host}>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[$domain]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" />
  <Reference variables="whole" />`,
);

/** The customer stays on after the ACK until the agent's BYE reaches them, and answers it. */
const HUNG_UP = scenario(
  'the agent hangs up while the SIP server is away',
  ['domain', 'media'],
  `${answeredCall(CALLER, OFFER)}
${byeAnswered}`,
);

/** A media double with what the window does: answers, makes offers (hold, refresh), applies answers. */
function windowMedia() {
  const seen = { offers: 0, answers: [] as string[], closes: 0 };
  const port: CallMedia = {
    answer: async () => ANSWER('40000'),
    offer: async () => {
      seen.offers++;
      return ANSWER('40000').replace('a=setup:active', 'a=setup:actpass');
    },
    applyAnswer: async (sdp) => void seen.answers.push(sdp),
    rollback: async () => undefined,
    close: () => void seen.closes++,
  };
  return { port, seen };
}

let scratch: string;
let directory: RecordingDirectory;
let kamailio: RunningKamailio;
let line: SipLine;
let calls: IncomingCall[];
let received: string[];
let proxy: TcpProxy | null = null;
const children: number[] = [];
let lastRun: { exited: Promise<{ code: number | null; output: string }> } | null = null;

async function startLine(wsUrl: string): Promise<void> {
  line = createSipLine({
    clock: systemClock,
    logger: silentLogger,
    timing: FAST_TIMING,
    trace: (direction, message) => {
      if (direction === 'received') received.push(message.split('\r\n', 1)[0]!);
    },
  });
  line.onIncomingCall((call) => calls.push(call));
  line.start({ wsUrl, domain: DOMAIN, user: EXT.sipUser, password: EXT.password, expiresSec: 300 });
  await untilState(line, 'registered');
  await directory.untilFlag(EXT.id, true);
}

/** sipp runs `xml` against Kamailio; resolves with its exit once it is over. */
async function sipp(
  xml: string,
): Promise<{ exited: Promise<{ code: number | null; output: string }> }> {
  const file = join(scratch, `call-${Date.now()}.xml`);
  await writeFile(file, xml);
  const port = await freeUdpPort();
  const media = await freeUdpPort();
  const args = [
    kamailio.udpAddress,
    ...['-sf', file, '-s', EXT.sipUser, '-set', 'domain', DOMAIN, '-set', 'media', String(media)],
    ...['-i', '127.0.0.1', '-p', String(port), '-mp', String(media)],
    ...['-m', '1', '-nostdin', '-timeout', '20s', '-timeout_error'],
  ];
  const { exited } = startSipp(args, scratch, 25_000, children);
  lastRun = { exited };
  return lastRun;
}

const ended = (call: IncomingCall) => new Promise<CallEnd>((resolve) => call.onEnded(resolve));

/** `promise`, or a failure naming `what` after `ms`. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The call answered and confirmed (the caller's ACK is in), as the agent would be talking. */
async function talking(): Promise<{ call: IncomingCall; media: ReturnType<typeof windowMedia> }> {
  const call = await waitFor(() => calls[0], 'the INVITE on the line').catch(async (error) => {
    // sipp refused its scenario or gave up: its own words say why.
    throw new Error(`${String(error)}\n${(await lastRun!.exited).output}`);
  });
  await call.ring();
  const media = windowMedia();
  await call.accept(media.port);
  await waitFor(() => received.some((m) => m.startsWith('ACK ')), 'the caller’s ACK');
  return { call, media };
}

describe.skipIf(skip !== null)(
  `a call while the SIP server goes away${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'agent-desktop-call-outage-'));
      directory = demoDirectory();
      kamailio = await startTestKamailio(directory);
    });
    beforeEach(() => {
      calls = [];
      received = [];
    });
    afterEach(async () => {
      for (const pid of children.splice(0)) process.kill(pid, 'SIGKILL');
      await line?.stop();
      await proxy?.close();
      proxy = null;
    });
    afterAll(async () => {
      await kamailio?.stop();
      await rm(scratch, { recursive: true, force: true });
    });

    it('Kamailio restarts while talking: the call stays, the line registers again, the customer’s BYE arrives', async () => {
      await startLine(kamailio.wsUrl);
      const run = await sipp(KEPT);
      const { call, media } = await talking();
      const end = ended(call);
      let endedAt: number | null = null;
      void end.then(() => (endedAt = Date.now()));

      const ports = portsOf(kamailio);
      await kamailio.stop();
      await untilState(line, 'backing-off');
      // The agent is still talking: nothing ended the call or took its media away.
      expect(call.state).toBe('talking');
      expect(media.seen.closes).toBe(0);
      kamailio = await startTestKamailio(directory, ports);
      await untilState(line, 'registered');
      await directory.untilFlag(EXT.id, true);

      // The customer hangs up after the line's re-INVITE: the BYE finds the agent.
      expect(await within(4_000, end, 'end of the call')).toMatchObject({
        reason: 'remote-hangup',
        answered: true,
      });
      expect(endedAt).not.toBeNull();
      expect(media.seen.offers).toBe(1);
      expect(media.seen.answers).toHaveLength(1);
      const sippRun = await run.exited;
      expect(sippRun.code, sippRun.output).toBe(0);
      expect(line.status().state).toBe('registered');
    });

    it('the agent hangs up while Kamailio is down: the call ends at once, the customer gets the BYE once it is back', async () => {
      await startLine(kamailio.wsUrl);
      const run = await sipp(HUNG_UP);
      const { call, media } = await talking();
      const end = ended(call);
      const ports = portsOf(kamailio);
      await kamailio.stop();
      await untilState(line, 'backing-off');
      await call.hangUp();
      expect(await within(1_000, end, 'end of the call')).toMatchObject({
        reason: 'local-hangup',
        answered: true,
      });
      expect(media.seen.closes).toBe(1);
      kamailio = await startTestKamailio(directory, ports);
      await untilState(line, 'registered');
      // sipp exits 0 only once the BYE came and was answered: the customer is not left on.
      const sippRun = await within(6_000, run.exited, 'the customer’s BYE');
      expect(sippRun.code, sippRun.output).toBe(0);
      // The line told the far end goodbye instead of re-INVITing the call.
      expect(media.seen.offers).toBe(0);
    });

    it('the WebSocket is cut while talking: the same, on a new connection', async () => {
      proxy = await startTcpProxy(portsOf(kamailio).wsPort);
      await startLine(`ws://127.0.0.1:${proxy.port}`);
      const run = await sipp(KEPT);
      const { call, media } = await talking();
      const end = ended(call);
      proxy.cut();
      await untilState(line, 'backing-off');
      expect(call.state).toBe('talking');
      await untilState(line, 'registered');
      expect(await within(4_000, end, 'end of the call')).toMatchObject({
        reason: 'remote-hangup',
        answered: true,
      });
      expect(media.seen.closes).toBe(1); // closed once, at the end
      expect(proxy.accepted()).toBe(2);
      const sippRun = await run.exited;
      expect(sippRun.code, sippRun.output).toBe(0);
    });
  },
);
