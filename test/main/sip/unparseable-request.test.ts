/**
 * A request sip.js cannot parse (its parser gives up and sip.js drops the message without a
 * word). An INVITE like that would leave the caller ringing into nothing until the proxy gives
 * up; the line answers it a stateless 400 Bad Request at once, built from the request's own Via,
 * From, To, Call-ID and CSeq lines, and logs it once. Without those lines no answer could reach
 * the sender, and an ACK is never answered: those stay dropped. Either way the line reads on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/lib/ports';
import { systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import { badRequestFor } from '../../../src/main/sip/bad-request';
import type { IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { bareLineConfig, bareServer, invite } from './support/bare-server';
import { FAST_TIMING, untilState } from './support/line';

let server: Awaited<ReturnType<typeof bareServer>>;
let line: SipLine;
const incoming = new Map<string, IncomingCall>();
const warnings: string[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (msg) => void warnings.push(msg),
  error() {},
};

beforeAll(async () => {
  server = await bareServer();
  line = createSipLine({ clock: systemClock, logger, timing: FAST_TIMING });
  line.onIncomingCall((call) => {
    incoming.set(call.sipCallId, call);
    void call.reject('decline').catch(() => undefined);
  });
  line.start(bareLineConfig(server));
  await untilState(line, 'registered');
});
afterAll(async () => {
  await line.stop();
  await server.close();
});
beforeEach(() => void (warnings.length = 0));

/** An INVITE whose From host sip.js's grammar refuses (two dots): sip.js drops all of it. */
const unparseable = (callId: string) => invite(callId, { from: '<sip:13800000001@pstn..example>' });
const answersTo = (callId: string) =>
  server.received.filter((m) => m.startsWith('SIP/2.0 ') && m.includes(`Call-ID: ${callId}`));
const header = (message: string, name: string) =>
  new RegExp(`^${name}: (.*)$`, 'mi').exec(message)?.[1];

/** Writes a good INVITE and waits for it to ring: the line read everything before it. */
async function nextCallRings(): Promise<void> {
  const probe = `probe-${Date.now()}-${Math.random()}`;
  server.send(invite(probe));
  await waitFor(() => incoming.has(probe), 'the next INVITE ringing', 3_000);
  expect(line.status().state).toBe('registered');
}

describe('an INVITE sip.js cannot parse', () => {
  it('is answered 400 at once, so the caller is not left ringing into nothing', async () => {
    const callId = `unparsed-${Date.now()}`;
    const sent = unparseable(callId);
    server.send(sent);
    const answer = await waitFor(() => answersTo(callId)[0], 'the answer', 2_000);
    expect(answer.split('\r\n', 1)[0]).toBe('SIP/2.0 400 Bad Request');
    // The request's own lines, so the proxy matches it to its transaction.
    for (const name of ['Via', 'From', 'Call-ID', 'CSeq'])
      expect(header(answer, name), name).toBe(header(sent, name));
    expect(header(answer, 'To')).toMatch(/^<sip:8001@sip\.oneyun\.com>;tag=[0-9a-f]+\r?$/);
    expect(incoming.has(callId)).toBe(false);
    await nextCallRings();
    expect(answersTo(callId)).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('could not parse'))).toHaveLength(1);
  });

  it('an ACK, or a request without a Call-ID, is not answered (nothing could match it)', async () => {
    const ack = unparseable('unparsed-ack')
      .replace(/^INVITE/, 'ACK')
      .replace('CSeq: 1 INVITE', 'CSeq: 1 ACK');
    const anonymous = unparseable('unparsed-anonymous').replace(/^Call-ID: .*\r\n/m, '');
    server.send(ack);
    server.send(anonymous);
    await nextCallRings();
    expect(answersTo('unparsed-ack')).toEqual([]);
    expect(server.received.filter((m) => m.startsWith('SIP/2.0 400'))).toHaveLength(1);
  });
});

describe('badRequestFor', () => {
  it('copies every Via in order, compact names too, and keeps a To tag already there', () => {
    const request = [
      'BYE sip:8001@127.0.0.1 SIP/2.0',
      'v: SIP/2.0/WS a.example;branch=z9hG4bK-1',
      'Via: SIP/2.0/WS b.example;branch=z9hG4bK-2',
      'f: <sip:a@pstn..example>;tag=1',
      't: <sip:8001@sip.oneyun.com>;tag=2',
      'i: abc',
      'CSeq: 7 BYE',
      '',
      '',
    ].join('\r\n');
    expect(badRequestFor(request)).toBe(
      [
        'SIP/2.0 400 Bad Request',
        'Via: SIP/2.0/WS a.example;branch=z9hG4bK-1',
        'Via: SIP/2.0/WS b.example;branch=z9hG4bK-2',
        'From: <sip:a@pstn..example>;tag=1',
        'To: <sip:8001@sip.oneyun.com>;tag=2',
        'Call-ID: abc',
        'CSeq: 7 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('makes nothing for a response, an ACK, or a request missing a line it needs', () => {
    expect(badRequestFor('SIP/2.0 200 OK\r\nVia: x\r\n\r\n')).toBeNull();
    expect(badRequestFor(unparseable('x').replace(/^INVITE/, 'ACK'))).toBeNull();
    for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq'])
      expect(
        badRequestFor(unparseable('x').replace(new RegExp(`^${name}: .*\\r\\n`, 'm'), '')),
        name,
      ).toBeNull();
  });
});
