/**
 * The platform's side of a call, as docs/platform-api/agent-api.md §7 describes it: a plain SIP user agent over UDP
 * that INVITEs `<extension SIP user>@<domain>` through the registrar the extension registered on
 * (Kamailio), From `<number>@<area>.area.oneyun.com`, with the media endpoint's plain RTP/AVP
 * offer. It implements the call center's CallPlacer, like the embedded registrar's placer, so
 * queueing, routing, ring timeout and reserve states are the same code in both modes.
 *
 * Only what these calls need: INVITE with retransmission until a response, ACK (2xx and non-2xx),
 * CANCEL with a Reason, BYE both ways, re-INVITEs from the agent (hold/resume, or a refresh from
 * a new connection, which moves the dialog's remote target) answered by the media endpoint.
 * Loopback, so no DNS and no TCP.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { SipDirectory } from '../sip-directory';
import type {
  CallLeg,
  CallPlacer,
  HangUpReason,
  LegEndReason,
  LegEvents,
  PlaceRequest,
} from '../calls/call-placer';
import { legEndFor } from '../calls/embedded-placer';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  parseSip,
  statusOf,
  tagOf,
  uriOf,
  type SipMessage,
} from './sip-message';

export interface PlatformPhoneOptions {
  /** The registrar's UDP address (Kamailio's `udpAddress`, `127.0.0.1:PORT`). */
  registrar: string;
  /** SIP domain of the extensions (the registrar's alias, e.g. sip.oneyun.com). */
  domain: string;
  /** Maps the call center's extension id to its SIP user. */
  directory: Pick<SipDirectory, 'accounts'>;
  /** The area in From: `<number>@<area>.area.oneyun.com` (default `1`). */
  area?: string;
  log?: (msg: string) => void;
}

/** How long a request is retransmitted without any response before the leg fails (Timer B). */
const GIVE_UP_MS = 8_000;
const T1_MS = 500;

interface Leg {
  request: PlaceRequest;
  events: LegEvents;
  callId: string;
  fromTag: string;
  from: string;
  to: string;
  requestUri: string;
  inviteVia: string;
  cseq: number;
  toTag: string | null;
  routeSet: string[];
  remoteTarget: string | null;
  answered: boolean;
  cancelled: boolean;
  byeSent: boolean;
  ended: boolean;
  /** Stops the retransmission of the request in flight. */
  stopRetransmit: (() => void) | null;
  /** A late-offer re-INVITE of ours in flight (see refresh). */
  refreshing: Refreshing | null;
  /** Responses we sent to the agent's requests, by Via branch (retransmitted requests get them again). */
  sent: Map<string, string>;
}

interface Refreshing {
  cseq: number;
  done: (ok: boolean) => void;
}

/** The sequence number of a message's CSeq (0 when unreadable). */
function cseqOf(message: SipMessage): number {
  return Number.parseInt(header(message, 'cseq') ?? '', 10) || 0;
}

export class PlatformPhone implements CallPlacer {
  private readonly legs = new Map<string, Leg>();
  /** Told of every message as it is handed to the socket (the bench stamps INVITEs). */
  onSend: ((text: string) => void) | null = null;
  private readonly target: { host: string; port: number };
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: PlatformPhoneOptions,
  ) {
    const [host = '127.0.0.1', port = '5060'] = options.registrar.split(':');
    this.target = { host, port: Number(port) };
    socket.on('message', (data, remote) => this.received(data, remote));
  }

  /** Opens the phone's UDP socket on 127.0.0.1. */
  static async open(options: PlatformPhoneOptions): Promise<PlatformPhone> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => options.log?.(`platform phone: ${error.message}`));
    return new PlatformPhone(socket, options);
  }

  /** The phone's own SIP address, `127.0.0.1:PORT`. */
  get address(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  place(request: PlaceRequest, events: LegEvents): CallLeg {
    const account = this.options.directory
      .accounts()
      .find((a) => a.extensionId === request.extensionId);
    if (!account || this.closed) {
      queueMicrotask(() => events.ended('unreachable', 'no such extension on the registrar'));
      return { hangUp() {} };
    }
    const area = this.options.area ?? '1';
    const user = request.from.user;
    const leg: Leg = {
      request,
      events,
      callId: `${randomBytes(8).toString('hex')}@${this.address}`,
      fromTag: randomBytes(5).toString('hex'),
      from: `"${request.from.displayName.replace(/["\\]/g, '')}" <sip:${user}@${area}.area.oneyun.com>`,
      to: `<sip:${account.sipUser}@${this.options.domain}>`,
      requestUri: `sip:${account.sipUser}@${this.options.domain}`,
      inviteVia: this.via(),
      cseq: 1,
      toTag: null,
      routeSet: [],
      remoteTarget: null,
      answered: false,
      cancelled: false,
      byeSent: false,
      ended: false,
      stopRetransmit: null,
      refreshing: null,
      sent: new Map(),
    };
    this.legs.set(leg.callId, leg);
    const invite = formatSip(
      `INVITE ${leg.requestUri} SIP/2.0`,
      [
        ['Via', leg.inviteVia],
        ['Max-Forwards', '70'],
        ['From', `${leg.from};tag=${leg.fromTag}`],
        ['To', leg.to],
        ['Call-ID', leg.callId],
        ['CSeq', '1 INVITE'],
        ['Contact', this.contact()],
        ['User-Agent', 'oneyun-platform-emulator'],
        ['X-Emulator-Call', request.callId],
        ['Content-Type', 'application/sdp'],
      ],
      request.offerSdp,
    );
    this.sendReliably(leg, invite);
    return { hangUp: (why) => this.hangUp(leg, why), refresh: () => this.refresh(leg) };
  }

  /** Ends every leg (BYE/CANCEL sent, not waited for) and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const leg of [...this.legs.values()]) {
      this.hangUp(leg, 'platform');
      this.end(leg, 'local-hangup', 'the platform phone closed');
    }
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  // ---------- our requests ----------

  private hangUp(leg: Leg, why: HangUpReason = 'platform'): void {
    if (leg.ended || leg.byeSent) return;
    if (leg.answered) return this.bye(leg);
    if (leg.cancelled) return;
    leg.cancelled = true;
    leg.stopRetransmit?.();
    const reason =
      why === 'ring-timeout'
        ? 'SIP;cause=408;text="ring timeout"'
        : 'SIP;cause=487;text="caller gave up"';
    const cancel = formatSip(`CANCEL ${leg.requestUri} SIP/2.0`, [
      ['Via', leg.inviteVia],
      ['Max-Forwards', '70'],
      ['From', `${leg.from};tag=${leg.fromTag}`],
      ['To', leg.to],
      ['Call-ID', leg.callId],
      ['CSeq', '1 CANCEL'],
      ['Reason', reason],
    ]);
    this.sendReliably(leg, cancel);
  }

  /** A late-offer re-INVITE (no SDP); resolves once our answer went out in the ACK. */
  private refresh(leg: Leg): Promise<boolean> {
    if (!leg.answered || leg.ended || leg.byeSent || leg.refreshing) return Promise.resolve(false);
    const invite = this.inDialog(leg, 'INVITE', [['Contact', this.contact()]]);
    return new Promise((resolve) => {
      leg.refreshing = { cseq: leg.cseq, done: resolve };
      this.sendReliably(leg, invite);
    });
  }

  /** The agent's 2xx (its offer) or refusal of our late-offer re-INVITE. */
  private refreshed(leg: Leg, response: SipMessage, refreshing: Refreshing): void {
    const status = statusOf(response);
    if (status < 200) return;
    leg.stopRetransmit?.();
    leg.refreshing = null;
    const reoffer = leg.events.reoffer;
    if (status >= 300 || !response.body || !reoffer) {
      // A 2xx without an offer cannot be answered: ACKed with nothing, as a failure.
      this.ack(leg, response, refreshing.cseq);
      refreshing.done(false);
      return;
    }
    reoffer(response.body).then(
      (answer) => {
        this.ack(leg, response, refreshing.cseq, answer);
        refreshing.done(true);
      },
      (error: unknown) => {
        this.options.log?.(`platform phone: late offer refused: ${String(error)}`);
        this.ack(leg, response, refreshing.cseq);
        refreshing.done(false);
      },
    );
  }

  private bye(leg: Leg): void {
    leg.byeSent = true;
    leg.stopRetransmit?.();
    this.sendReliably(leg, this.inDialog(leg, 'BYE'));
  }

  /** A new request in the call's dialog (its route set, tags and the next CSeq). */
  private inDialog(leg: Leg, method: string, extra: Array<[string, string]> = []): string {
    leg.cseq++;
    return formatSip(`${method} ${leg.remoteTarget ?? leg.requestUri} SIP/2.0`, [
      ['Via', this.via()],
      ['Max-Forwards', '70'],
      ...leg.routeSet.map((route): [string, string] => ['Route', route]),
      ['From', `${leg.from};tag=${leg.fromTag}`],
      ['To', `${leg.to};tag=${leg.toTag ?? ''}`],
      ['Call-ID', leg.callId],
      ['CSeq', `${leg.cseq} ${method}`],
      ...extra,
    ]);
  }

  private ack(leg: Leg, response: SipMessage, cseq = 1, answerSdp = ''): void {
    const status = statusOf(response);
    // A re-INVITE's failure is ACKed in its dialog too (it has the dialog's To tag).
    const inDialog = status < 300 || cseq > 1;
    const ack = formatSip(
      `ACK ${inDialog ? (leg.remoteTarget ?? leg.requestUri) : leg.requestUri} SIP/2.0`,
      [
        // A 2xx's ACK is a new transaction; a failure's ACK belongs to the INVITE's.
        ['Via', inDialog ? this.via() : leg.inviteVia],
        ['Max-Forwards', '70'],
        ...(inDialog ? leg.routeSet.map((route): [string, string] => ['Route', route]) : []),
        ['From', `${leg.from};tag=${leg.fromTag}`],
        ['To', header(response, 'to') ?? leg.to],
        ['Call-ID', leg.callId],
        ['CSeq', `${cseq} ACK`],
        ...(answerSdp ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
      ],
      answerSdp,
    );
    this.send(ack);
  }

  /** Sends, and again at T1, 2·T1… (capped at 4 s) until a response stops it or time is up. */
  private sendReliably(leg: Leg, text: string): void {
    leg.stopRetransmit?.();
    let interval = T1_MS;
    let timer: NodeJS.Timeout | null = null;
    const started = Date.now();
    const again = () => {
      if (leg.ended) return;
      if (Date.now() - started > GIVE_UP_MS) {
        this.end(
          leg,
          leg.cancelled || leg.byeSent ? 'local-hangup' : 'failed',
          'no response from the registrar',
        );
        return;
      }
      this.send(text);
      timer = setTimeout(again, interval);
      timer.unref();
      interval = Math.min(interval * 2, 4_000);
    };
    leg.stopRetransmit = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      leg.stopRetransmit = null;
    };
    again();
  }

  // ---------- what arrives ----------

  private received(data: Buffer, remote: RemoteInfo): void {
    let message: SipMessage;
    try {
      message = parseSip(data);
    } catch (error) {
      if (data.length > 4) this.options.log?.(`platform phone: ${(error as Error).message}`);
      return;
    }
    const leg = this.legs.get(header(message, 'call-id') ?? '');
    if (statusOf(message) > 0) {
      if (leg) this.response(leg, message);
      return;
    }
    this.request(leg, message, remote);
  }

  private response(leg: Leg, response: SipMessage): void {
    const status = statusOf(response);
    const method = methodOf(response);
    const refreshing = leg.refreshing;
    if (method === 'INVITE' && refreshing && cseqOf(response) === refreshing.cseq) {
      return this.refreshed(leg, response, refreshing);
    }
    if (method === 'INVITE' && cseqOf(response) > 1) {
      // A 2xx retransmitted for a refresh already answered: ACKed again, nothing else.
      if (statusOf(response) >= 200) this.ack(leg, response, cseqOf(response));
      return;
    }
    if (method === 'INVITE') {
      if (!leg.byeSent && !leg.cancelled) leg.stopRetransmit?.();
      if (status < 200) {
        if (status > 100 && !leg.ended && !leg.cancelled) leg.events.ringing?.();
        return;
      }
      if (status >= 300) {
        this.ack(leg, response);
        if (leg.cancelled) this.end(leg, 'local-hangup');
        else this.end(leg, legEndFor(status), response.startLine.slice(8));
        return;
      }
      // 2xx (or its retransmission): ACK each one; the first one answers the call.
      const first = !leg.answered;
      if (first) {
        leg.answered = true;
        leg.toTag = tagOf(header(response, 'to'));
        leg.routeSet = headerValues(response, 'record-route').reverse();
        const contact = header(response, 'contact');
        leg.remoteTarget = contact ? uriOf(contact) : null;
      }
      this.ack(leg, response);
      if (!first || leg.ended) return;
      if (leg.cancelled) {
        // Our CANCEL crossed the agent's answer: the call exists, so it is ended with a BYE.
        this.bye(leg);
        return;
      }
      leg.events.answered(response.body);
    } else if (method === 'BYE' || (method === 'CANCEL' && status >= 300)) {
      leg.stopRetransmit?.();
      if (method === 'BYE') this.end(leg, 'local-hangup');
    } else if (method === 'CANCEL') {
      leg.stopRetransmit?.();
    }
  }

  private request(leg: Leg | undefined, request: SipMessage, remote: RemoteInfo): void {
    const method = methodOf(request);
    if (method === 'ACK') return;
    const branch = /branch=([^;\s,]+)/i.exec(header(request, 'via') ?? '')?.[1] ?? '';
    const already = leg?.sent.get(branch);
    if (already) return this.send(already, remote);
    const reply = (status: string, extra: Array<[string, string]> = [], body = '') => {
      const to = header(request, 'to') ?? '';
      const text = formatSip(
        `SIP/2.0 ${status}`,
        [
          ...headerValues(request, 'via').map((via): [string, string] => ['Via', via]),
          ['From', header(request, 'from') ?? ''],
          ['To', tagOf(to) ? to : `${to};tag=${leg?.fromTag ?? randomBytes(4).toString('hex')}`],
          ['Call-ID', header(request, 'call-id') ?? ''],
          ['CSeq', header(request, 'cseq') ?? ''],
          ...extra,
        ],
        body,
      );
      leg?.sent.set(branch, text);
      this.send(text, remote);
    };
    if (!leg || leg.ended) {
      if (method === 'OPTIONS') return reply('200 OK');
      return reply('481 Call/Transaction Does Not Exist');
    }
    if (method === 'BYE') {
      reply('200 OK');
      this.end(leg, 'agent-hangup');
    } else if (method === 'INVITE') {
      const reoffer = leg.events.reoffer;
      if (!reoffer || !request.body) return reply('488 Not Acceptable Here');
      reply('100 Trying');
      leg.sent.delete(branch);
      reoffer(request.body).then(
        (answer) => {
          // A re-INVITE refreshes the dialog's remote target (RFC 3261 §12.2.2): a desktop that
          // connected again after losing its SIP connection re-INVITEs from the new one, and the
          // platform's BYE must follow its new Contact there.
          const contact = header(request, 'contact');
          if (contact) leg.remoteTarget = uriOf(contact);
          reply(
            '200 OK',
            [
              ['Contact', this.contact()],
              ['Content-Type', 'application/sdp'],
            ],
            answer,
          );
        },
        (error: unknown) => {
          this.options.log?.(`platform phone: re-offer refused: ${String(error)}`);
          reply('488 Not Acceptable Here');
        },
      );
    } else {
      reply('200 OK');
    }
  }

  private end(leg: Leg, reason: LegEndReason, detail?: string): void {
    if (leg.ended) return;
    leg.ended = true;
    leg.stopRetransmit?.();
    leg.refreshing?.done(false);
    leg.refreshing = null;
    // Kept a little longer: late retransmissions still find their answers.
    setTimeout(() => this.legs.delete(leg.callId), 5_000).unref();
    leg.events.ended(reason, detail);
  }

  // ---------- helpers ----------

  private via(): string {
    return `SIP/2.0/UDP ${this.address};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`;
  }

  private contact(): string {
    return `<sip:platform@${this.address}>`;
  }

  private send(
    text: string,
    to: { address: string; port: number } = { address: this.target.host, port: this.target.port },
  ): void {
    if (this.closed && !text.startsWith('BYE') && !text.startsWith('CANCEL')) return;
    this.onSend?.(text);
    this.socket.send(text, to.port, to.address, (error) => {
      if (error) this.options.log?.(`platform phone: send: ${error.message}`);
    });
  }
}
