/**
 * A transfer asked of the desktop (REFER) during a call. The desktop does not transfer calls:
 * it must say so (a final refusal), not answer 202 Accepted and then do nothing, which tells the
 * far end the transfer is under way (a PBX may then drop its own leg, stranding the customer).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallEnd, CallMedia, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import type { EmbeddedServer } from './support/embedded-server';
import { registeredLine } from './support/line';
import { demoAccounts } from './support/memory-directory';
import { callExtension } from './support/test-caller';

const [alice] = demoAccounts(1) as [ReturnType<typeof demoAccounts>[0]];
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';
const media: CallMedia = {
  answer: async () => SDP,
  close: () => undefined,
  offer: async () => SDP,
  applyAnswer: async () => undefined,
};

let embedded: EmbeddedServer;
let line: SipLine;
let calls: IncomingCall[];

beforeEach(async () => {
  ({ embedded, line, calls } = await registeredLine(alice));
});
afterEach(async () => {
  await line.stop();
  await embedded.close();
});

describe('a REFER during a call', () => {
  it('is refused, and the call goes on', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await waitFor(() => calls[0], 'an incoming call');
    let end: CallEnd | null = null;
    call.onEnded((e) => (end = e));
    await call.accept(media);
    await caller.answered;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the ACK crosses the loopback

    const code = await caller.refer('sip:900123@premium.example.com');
    expect(code).toBe(603);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(call.state).toBe('talking');
    expect(end).toBeNull();
    await caller.bye();
    await waitFor(() => end, 'the call ends when the caller hangs up');
  });
});
