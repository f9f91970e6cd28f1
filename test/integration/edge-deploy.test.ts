/**
 * The documented production set-ups of the site edge (docs/edge.md "In production"), as an IT
 * admin builds them: nginx terminating TLS on the same host (every request then comes from
 * 127.0.0.1), Kamailio's own tls.so for WSS, the SIP-over-UDP side on the site address while the
 * WebSocket listens on loopback for nginx, and desktops' messages of any ordinary size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  formatSip,
  header,
  methodOf,
  parseSip,
  statusOf,
  type SipMessage,
} from '../../src/emulator/edge/sip-message';
import { freeTcpPort } from '../../src/emulator/sip/free-port';
import { startKamailio, type RunningKamailio } from '../../src/emulator/sip/kamailio';
import { kamailioRpc } from '../../src/emulator/sip/kamailio-usrloc';
import { silentLogger } from '../../src/lib/ports';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import { DOMAIN, platformInvite, reply, startBed, udpPeer, type Bed } from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');
const noTls = missingSystem('kamailio', 'rtpengine', 'kamailioTls');

/** A same-host TCP reverse proxy, as the documented nginx `proxy_pass http://127.0.0.1:5066`. */
function proxyTo(port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ server, port: (server.address() as { port: number }).port }),
    ),
  );
}

const rpcCall = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'system.listMethods', id: 1 }),
  });

describe.skipIf(skip)(skip ?? 'site edge: behind a TLS proxy on the same host', () => {
  let bed: Bed;
  let proxy: { server: Server; port: number };
  beforeAll(async () => {
    bed = await startBed();
    proxy = await proxyTo(bed.wsPort);
  }, 30_000);
  afterAll(async () => {
    proxy?.server.close();
    await bed?.stop();
  });

  it('agents (or the internet) cannot reach the management RPC through the proxy: 403', async () => {
    // As from any PC that reaches https://edge.example.com/RPC (rtpengine.disable, tm.t_uac_start…).
    const res = await rpcCall(`http://127.0.0.1:${proxy.port}/RPC`);
    await res.text();
    expect(res.status).toBe(403);
  });

  it('the RPC still answers on its own loopback-only port, for the admin on the host', async () => {
    expect(bed.edge.kamailio.rpcUrl).not.toContain(`:${bed.wsPort}/`);
    const reply = (await kamailioRpc(bed.edge.kamailio.rpcUrl, 'system.listMethods')) as {
      result: string[];
    };
    expect(reply.result).toContain('ul.dump');
  });

  it('desktops still register through the proxy', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/`, 'sip');
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    const seen: SipMessage[] = [];
    ws.on('message', (d) => seen.push(parseSip(String(d))));
    ws.send(
      formatSip(`REGISTER sip:${DOMAIN} SIP/2.0`, [
        ['Via', 'SIP/2.0/WS p.invalid;branch=z9hG4bKproxyreg'],
        ['Max-Forwards', '70'],
        ['From', `<sip:8009@${DOMAIN}>;tag=p1`],
        ['To', `<sip:8009@${DOMAIN}>`],
        ['Call-ID', 'proxy-reg'],
        ['CSeq', '1 REGISTER'],
        ['Contact', '<sip:proxied@p.invalid;transport=ws>;expires=300'],
      ]),
    );
    const answer = await waitFor(() => seen.find((m) => statusOf(m) >= 200), 'a reply');
    ws.terminate();
    expect(statusOf(answer)).toBe(200);
  });

  it('a desktop message of 4 to 60 KB reaches the platform and the connection stays up', async () => {
    const results: Record<number, string> = {};
    for (const size of [4000, 16000, 16500, 20000, 60000]) {
      const desk = await bed.desk(`87${size}`, `deskSize${size}`);
      const callId = `size-${size}`;
      const head = [
        `OPTIONS sip:8002@${DOMAIN} SIP/2.0`,
        `Via: SIP/2.0/WS d.invalid;branch=z9hG4bKsize${size}`,
        'Max-Forwards: 70',
        `From: <sip:87@${DOMAIN}>;tag=s${size}`,
        `To: <sip:8002@${DOMAIN}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
      ].join('\r\n');
      desk.ws.send(`${head}\r\nX-Pad: ${'a'.repeat(size - head.length - 14)}\r\n\r\n`);
      const got = await waitFor(
        () => bed.platform.seen.find((m) => header(m, 'Call-ID') === callId),
        'at the platform',
        2000,
      ).then(
        () => true,
        () => false,
      );
      results[size] =
        `${got ? 'relayed' : 'lost'}${desk.ws.readyState === WebSocket.OPEN ? '' : ', connection closed'}`;
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, 'relayed'])));
  }, 30_000);
});

describe.skipIf(skip)(
  skip ?? 'site edge: UDP on the site address, WebSocket on loopback for nginx',
  () => {
    let bed: Bed;
    beforeAll(async () => {
      // As the documented systemd unit: LISTEN_IP = the site address, WS_LISTEN_IP = 127.0.0.1.
      bed = await startBed({ listenIp: '127.0.0.4', wsListenIp: '127.0.0.1' });
    }, 30_000);
    afterAll(async () => {
      await bed?.stop();
    });

    it('desktops register on loopback, the platform sees the site address in the Path, and calls ring', async () => {
      expect({
        ws: new URL(bed.edge.wsUrl).hostname,
        udp: bed.edge.udpAddress.split(':')[0],
      }).toEqual({
        ws: '127.0.0.1',
        udp: '127.0.0.4',
      });
      const desk = await bed.desk('8010', 'deskSplit');
      expect(desk.path).toContain(`sip:127.0.0.4:${bed.udpPort}`);
      bed.toEdge(
        platformInvite({
          viaPort: bed.platform.port,
          branch: 'split1',
          callId: 'split-call',
          ruri: desk.contact.slice(1, -1),
          route: desk.path,
        }),
      );
      const invite = await waitFor(() => desk.invites()[0], 'the INVITE at the desktop');
      expect(header(invite, 'Call-ID')).toBe('split-call');
    });
  },
);

describe.skipIf(noTls)(noTls ?? "site edge: WSS by Kamailio's own tls.so", () => {
  it('with -A WITH_TLS, desktops connect with wss:// on the TLS port and register', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-tls-'));
    let kam: RunningKamailio | undefined;
    // The platform's registrar: answers every REGISTER 200 (to the Kamailio started below).
    const platform = await udpPeer((m, peer) => {
      if (statusOf(m) === 0 && methodOf(m) === 'REGISTER' && kam)
        peer.send(
          reply(m, '200 OK', [['Contact', header(m, 'Contact') ?? '']]),
          Number(kam.udpAddress.split(':')[1]),
        );
    });
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      writeFileSync(
        join(dir, 'tls.cfg'),
        `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = ${join(dir, 'key.pem')}\ncertificate = ${join(dir, 'cert.pem')}\n\n[client:default]\nverify_certificate = no\nrequire_certificate = no\n`,
      );
      const tlsPort = await freeTcpPort();
      kam = await startKamailio({
        directory: {
          lookup: () => null,
          accounts: () => [],
          setRegistration() {},
          onAccountsChanged: () => () => {},
        },
        domain: DOMAIN,
        logger: silentLogger,
        platform: `127.0.0.1:${platform.port}`,
        tls: { port: tlsPort, config: join(dir, 'tls.cfg') },
        pollMs: 60_000,
      });
      const ws = new WebSocket(`wss://127.0.0.1:${tlsPort}/`, 'sip', { rejectUnauthorized: false });
      const outcome = await new Promise<string>((done) => {
        ws.once('open', () => done('open'));
        ws.once('unexpected-response', (_req, res) => done(`HTTP ${res.statusCode}`));
        ws.once('error', (e) => done(`error ${e.message}`));
        setTimeout(() => done('timeout'), 5000);
      });
      let registered = 0;
      if (outcome === 'open') {
        const seen: SipMessage[] = [];
        ws.on('message', (d) => seen.push(parseSip(String(d))));
        ws.send(
          formatSip(`REGISTER sip:${DOMAIN} SIP/2.0`, [
            ['Via', 'SIP/2.0/WSS d.invalid;branch=z9hG4bKtlsreg'],
            ['Max-Forwards', '70'],
            ['From', `<sip:8001@${DOMAIN}>;tag=t1`],
            ['To', `<sip:8001@${DOMAIN}>`],
            ['Call-ID', 'tls-reg'],
            ['CSeq', '1 REGISTER'],
            ['Contact', '<sip:tls@d.invalid;transport=ws>'],
          ]),
        );
        registered = await waitFor(
          () => seen.find((m) => statusOf(m) >= 200),
          'a reply',
          4000,
        ).then(statusOf, () => -1);
      }
      ws.terminate();
      // The management RPC is not served on the TLS port either.
      const rpcOverTls = await new Promise<string>((done) => {
        const probe = new WebSocket(`wss://127.0.0.1:${tlsPort}/RPC`, {
          rejectUnauthorized: false,
        });
        probe.once('unexpected-response', (_req, res) => done(`HTTP ${res.statusCode}`));
        probe.once('open', () => done('open'));
        probe.once('error', (e) => done(`error ${e.message}`));
      });
      expect({ outcome, registered, rpcOverTls }).toEqual({
        outcome: 'open',
        registered: 200,
        rpcOverTls: 'HTTP 403',
      });
    } finally {
      await kam?.stop();
      platform.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
