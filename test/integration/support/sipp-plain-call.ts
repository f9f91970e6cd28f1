/**
 * sipp as the platform's media server would call: a plain RTP/AVP G.711 offer over UDP (no ICE,
 * no DTLS), then sipp's own G.711 sample played at the agent once answered (sipp ships only an
 * A-law recording, so PCMA is offered next to PCMU). The agent hangs up: sipp answers the BYE.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from '../../../src/emulator/sip/free-port';
import { startSipp } from './sipp';
import { answeredCall, byeAnswered, scenario } from '../../support/sipp-scenario';
import type { Caller } from '../../support/sipp-scenario';

const CALLER: Caller = { to: '[service]', caller: '[$caller]', host: '1.area.oneyun.com' };

/** Plain RTP/AVP G.711 (sipp's own sample is A-law), as the platform's media server offers. */
const PLAIN_OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 [media_ip]',
  's=-',
  'c=IN IP4 [media_ip]',
  't=0 0',
  'm=audio [media_port] RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
].join('\n');

const SCENARIO = scenario(
  'platform-style plain RTP call',
  ['domain', 'caller'],
  `${answeredCall(CALLER, PLAIN_OFFER)}
  <nop>
    <action><exec play_pcap_audio="g711a.pcap" /></action>
  </nop>
${byeAnswered}`,
);

export interface PlainCall {
  callId: string;
  /** sipp's RTP port (where the relay sends the agent's audio). */
  mediaPort: number;
  exited: Promise<{ code: number | null; output: string }>;
  /** Kills sipp if it still runs, removes its scratch directory. */
  dispose(): Promise<void>;
}

/** sipp INVITEs `sipUser`@`domain` through `registrar` (UDP) as `caller`. */
export async function sippPlainCall(
  registrar: string,
  sipUser: string,
  domain: string,
  caller: string,
): Promise<PlainCall> {
  const scratch = await mkdtemp(join(tmpdir(), 'agent-desktop-sipp-plain-'));
  await writeFile(join(scratch, 'plain.xml'), SCENARIO);
  // play_pcap_audio paths are relative to sipp's working directory.
  await copyFile('/usr/share/sip-tester/g711a.pcap', join(scratch, 'g711a.pcap'));
  const port = await freeUdpPort();
  const mediaPort = await freeUdpPort();
  const callId = `plain-${caller}@127.0.0.1`;
  const args = [
    registrar,
    ...['-sf', join(scratch, 'plain.xml'), '-s', sipUser, '-cid_str', callId],
    ...['-set', 'domain', domain, '-set', 'caller', caller],
    ...['-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort)],
    ...['-m', '1', '-nostdin', '-timeout', '20s', '-timeout_error'],
  ];
  const sipp = startSipp(args, scratch, 25_000);
  const { exited } = sipp;
  return {
    callId,
    mediaPort,
    exited,
    async dispose() {
      sipp.kill();
      await exited;
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
