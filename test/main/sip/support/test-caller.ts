/**
 * A caller for call tests until (and besides) the emulator's call center: a sip.js Inviter on
 * the embedded registrar's server-side UserAgent for the extension's connection, INVITEing the
 * registered Contact with a fixed WebRTC-looking offer (loopback candidate only). It records what
 * the desktop answers: provisional codes, the 200's SDP, the final code, a BYE from the desktop.
 */
import { SessionState, UserAgent } from 'sip.js';
import type { Core } from 'sip.js';
import {
  FixedOfferHandler,
  FixedOfferInviter,
} from '../../../../src/emulator/calls/embedded-placer';
import type { EmbeddedSip } from '../../../../src/emulator/sip/embedded';
import { DOMAIN } from './embedded-server';

/** A WebRTC-looking audio offer (DTLS-SRTP, ICE, rtcp-mux, one loopback candidate). */
export const TEST_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 0',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
  'a=ice-ufrag:test',
  'a=ice-pwd:testtesttesttesttesttest',
  'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

export interface TestCall {
  /** Status codes of provisional responses (100 excluded), in order. */
  provisional: number[];
  /** Resolves with the desktop's answer SDP once it answered (ACK sent). */
  answered: Promise<string>;
  /** Resolves when the call is over: the final non-2xx code, or 'bye-received' / 'bye-sent'. */
  ended: Promise<{ code: number | null; by: 'final' | 'bye-received' | 'bye-sent' | 'cancel' }>;
  /** CANCEL, optionally with `Reason: SIP;cause=<statusCode>` (sip.js's own Reason format). */
  cancel(reason?: { statusCode: number; reasonPhrase: string }): Promise<void>;
  bye(): Promise<void>;
  /** A re-INVITE with the same offer once answered; resolves with the new answer's status code. */
  reinvite(): Promise<number>;
  /** A REFER (a transfer asked of the desktop) to `target`; resolves with its final status code. */
  refer(target: string): Promise<number>;
  state(): SessionState;
}

/** INVITEs `extensionId` over its registration; `offer: null` sends an INVITE without SDP. */
export function callExtension(
  sip: EmbeddedSip,
  extensionId: string,
  options: {
    fromUser?: string;
    displayName?: string;
    offer?: string | null;
    /** Answers the desktop's re-INVITE (hold, resume); without it the caller refuses (488). */
    answerOffer?: (offerSdp: string) => Promise<string>;
  } = {},
): TestCall {
  const binding = sip.bindingFor(extensionId);
  const target = binding ? UserAgent.makeURI(binding.contact) : undefined;
  if (!binding || !target) throw new Error(`${extensionId} holds no registration`);
  const fromUser = options.fromUser ?? '13800000001';
  let answerSdp: string | null = null;
  const offer = options.offer === undefined ? TEST_OFFER : options.offer;
  const inviter = new FixedOfferInviter(
    binding.connection.userAgent,
    target,
    {
      params: {
        fromUri: `sip:${fromUser}@${DOMAIN}`,
        fromDisplayName: options.displayName ?? fromUser,
        toUri: `sip:${binding.sipUser}@${DOMAIN}`,
      },
      inviteWithoutSdp: offer === null,
    },
    // Without an offer the INVITE goes out bare (`inviteWithoutSdp`): the handler is not asked.
    new FixedOfferHandler(offer ?? '', (sdp) => (answerSdp = sdp), options.answerOffer),
  );
  const provisional: number[] = [];
  let final: number | null = null;
  let byeReceived = false;
  let localEnd: 'bye-sent' | 'cancel' | null = null;
  let resolveAnswered!: (sdp: string) => void;
  const answered = new Promise<string>((resolve) => (resolveAnswered = resolve));
  let resolveEnded!: (end: Awaited<TestCall['ended']>) => void;
  const ended = new Promise<Awaited<TestCall['ended']>>((resolve) => (resolveEnded = resolve));
  inviter.delegate = {
    onBye: (bye) => {
      byeReceived = true;
      void bye.accept();
    },
  };
  inviter.stateChange.addListener((state) => {
    if (state === SessionState.Established) resolveAnswered(answerSdp ?? '');
    if (state === SessionState.Terminated) {
      // sip.js terminates before it calls the request delegate with the final response.
      setTimeout(() =>
        resolveEnded({
          code: final,
          by: byeReceived ? 'bye-received' : (localEnd ?? 'final'),
        }),
      );
    }
  });
  const record = (response: Core.IncomingResponse) => (final = response.message.statusCode ?? 0);
  inviter
    .invite({
      requestDelegate: {
        onProgress: (response) => {
          const code = response.message.statusCode ?? 0;
          if (code !== 100) provisional.push(code);
        },
        onReject: record,
        onRedirect: record,
      },
    })
    .catch(() => undefined);
  return {
    provisional,
    answered,
    ended,
    cancel: async (reason) => {
      localEnd = 'cancel';
      await inviter.cancel(reason ?? {});
    },
    bye: async () => {
      localEnd = 'bye-sent';
      await inviter.bye();
    },
    reinvite: () =>
      new Promise<number>((resolve, reject) => {
        const code = (response: Core.IncomingResponse) => resolve(response.message.statusCode ?? 0);
        inviter.invite({ requestDelegate: { onAccept: code, onReject: code } }).catch(reject);
      }),
    refer: (target) =>
      new Promise<number>((resolve, reject) => {
        const code = (response: Core.IncomingResponse) => resolve(response.message.statusCode ?? 0);
        const uri = UserAgent.makeURI(target);
        if (!uri) return reject(new Error(`not a SIP URI: ${target}`));
        inviter.refer(uri, { requestDelegate: { onAccept: code, onReject: code } }).catch(reject);
      }),
    state: () => inviter.state,
  };
}
