/** A bare SIP-over-WebSocket registrar on loopback, for tests that write raw SIP to a line. */
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { TEST_OFFER } from './test-caller';

/**
 * A registrar that answers every REGISTER 200 and lets the test write raw messages. `refuse`
 * may answer a REGISTER otherwise: it returns the status line and extra headers, or null for 200.
 */
export async function bareServer(
  refuse: (register: string) => { status: string; headers?: string[] } | null = () => null,
) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  await new Promise<void>((done) => wss.once('listening', () => done()));
  let peer: WebSocket | null = null;
  const received: string[] = [];
  wss.on('connection', (ws) => {
    peer = ws;
    ws.on('message', (data) => {
      const text = String(data);
      received.push(text);
      if (!text.startsWith('REGISTER ')) return;
      const header = (name: string) =>
        new RegExp(`^${name}: (.*)$`, 'mi').exec(text)?.[1]?.trim() ?? '';
      const refusal = refuse(text);
      if (refusal) {
        ws.send(
          [
            `SIP/2.0 ${refusal.status}`,
            `Via: ${header('Via')}`,
            `From: ${header('From')}`,
            `To: ${header('To')};tag=reg1`,
            `Call-ID: ${header('Call-ID')}`,
            `CSeq: ${header('CSeq')}`,
            ...(refusal.headers ?? []),
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n'),
        );
        return;
      }
      ws.send(
        [
          'SIP/2.0 200 OK',
          `Via: ${header('Via')}`,
          `From: ${header('From')}`,
          `To: ${header('To')};tag=reg1`,
          `Call-ID: ${header('Call-ID')}`,
          `CSeq: ${header('CSeq')}`,
          `Contact: ${header('Contact')};expires=300`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received,
    send: (data: string | Buffer) => peer!.send(data),
    close: () =>
      new Promise<void>((done) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => done());
      }),
  };
}

// A WebRTC offer (a plain RTP one would be refused 503 before ringing: the window can't take it).
const SDP = TEST_OFFER;

/** An initial INVITE for extension 8001, byte for byte as a registrar would relay it. */
export function invite(callId: string, overrides: { cseq?: string; from?: string } = {}): string {
  return [
    'INVITE sip:8001@127.0.0.1;transport=ws SIP/2.0',
    'Via: SIP/2.0/WS 127.0.0.1:5066;branch=z9hG4bK-' + callId,
    'Max-Forwards: 70',
    `From: ${overrides.from ?? '"张三" <sip:13800000001@12.area.oneyun.com>'};tag=f-${callId}`,
    'To: <sip:8001@sip.oneyun.com>',
    `Call-ID: ${callId}`,
    `CSeq: ${overrides.cseq ?? '1 INVITE'}`,
    'Contact: <sip:13800000001@127.0.0.1:5060;transport=ws>',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(SDP)}`,
    '',
    SDP,
  ].join('\r\n');
}

/** The line's settings for `bareServer`: extension 8001, which `invite` calls. */
export function bareLineConfig(server: { url: string }) {
  return {
    wsUrl: server.url,
    domain: 'sip.oneyun.com',
    user: '8001',
    password: 'secret1',
    expiresSec: 300,
  };
}
