/**
 * The browser host as an attacker on this machine finds it: hundreds of malformed HTTP requests
 * and WebSocket frames on raw sockets, against `npm run host` in its own process (which holds
 * the agent's session). Each gets an error or a closed connection; the process stays up and
 * the core keeps serving the window. Companion to the emulator's fuzz suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let child: ChildProcess;
let stderr = '';
let port = 0;
let origin = '';
let token = '';
let rendererDir = '';

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'host-fuzz-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body>window</body></html>');
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/dev-host/cli.ts', '--port', '0', '--renderer', rendererDir],
    { cwd: process.cwd(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const deadline = Date.now() + 40_000;
  while (!out.includes('\n')) {
    if (Date.now() > deadline) throw new Error(`host not ready; stderr: ${stderr}`);
    if (child.exitCode !== null) throw new Error(`host exited early; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = new URL((JSON.parse(out.split('\n')[0]!) as { url: string }).url);
  port = Number(url.port);
  origin = url.origin;
  // The printed address carries the token in its fragment (the page never does).
  token = /^#token=([0-9a-f]+)$/.exec(url.hash)?.[1] ?? '';
  expect(token).toMatch(/^[0-9a-f]{32}$/);
}, 60_000);

afterAll(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Writes raw bytes on a fresh connection; resolves with what came back once it closes. */
function raw(chunks: (string | Buffer)[], waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

/** Runs the inputs a few at a time, checking after each batch that the host is still up. */
async function hammer<T>(inputs: T[], send: (input: T) => Promise<string>): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < inputs.length; i += 25) {
    answers.push(...(await Promise.all(inputs.slice(i, i + 25).map(send))));
    expect(child.exitCode, `host died; stderr: ${stderr}`).toBeNull();
  }
  return answers;
}

const request = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}Connection: close\r\n\r\n`;

/** A client frame: FIN/RSV/opcode byte, masked (or not) payload, any declared length. */
function frame(
  opcode: number,
  payload: Buffer,
  { fin = true, rsv = 0, masked = true, length = payload.length } = {},
): Buffer {
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  let ext = Buffer.alloc(0);
  if (length < 126) head.push((masked ? 0x80 : 0) | length);
  else if (length < 65536) {
    head.push((masked ? 0x80 : 0) | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(length);
  } else {
    head.push((masked ? 0x80 : 0) | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(length));
  }
  const mask = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload.map((b, i) => (masked ? b ^ mask[i % 4]! : b)));
  return Buffer.concat([Buffer.from(head), ext, mask, body]);
}

function handshake(extra = ''): string {
  const key = randomBytes(16).toString('base64');
  return (
    `GET /__host/ipc?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
    `Sec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

const text = (s: string) => Buffer.from(s, 'utf8');
const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xe4, 0xb8],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x7b, 0x22, 0xfe, 0x22, 0x7d],
].map((b) => Buffer.from(b));

// Frames that break the WebSocket protocol: each must close that socket, nothing more.
const badFrames = fc.oneof(
  fc
    .tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...INVALID_UTF8))
    .map(([a, bad]) => [frame(1, Buffer.concat([Buffer.from(a.map((b) => b & 0x7f)), bad]))]),
  fc
    .integer({ min: 256 * 1024 + 1, max: 2 ** 40 })
    .map((n) => [frame(2, Buffer.alloc(64), { length: n }).subarray(0, 14 + 64)]),
  fc.integer({ min: 1, max: 7 }).map((rsv) => [frame(1, text('{}'), { rsv })]),
  fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15).map((op) => [frame(op, text('x'))]),
  fc.string({ maxLength: 20 }).map((s) => [frame(1, text(s), { masked: false })]),
  fc.integer({ min: 126, max: 300 }).map((n) => [frame(9, Buffer.alloc(n))]),
  fc.constantFrom(8, 9, 10).map((op) => [frame(op, text('x'), { fin: false })]),
  fc.string({ maxLength: 20 }).map((s) => [frame(0, text(s))]),
  fc.constant([frame(1, text('{"id":'), { fin: false }), frame(1, text('1}'))]),
  fc.constant([frame(1, Buffer.from([0xe4]), { fin: false }), frame(0, Buffer.from([0x41]))]),
  fc.constantFrom(0, 999, 1004, 1005, 1006, 1015, 2999, 5000).map((code) => {
    const p = Buffer.alloc(2);
    p.writeUInt16BE(code);
    return [frame(8, p)];
  }),
  fc.constant([frame(8, Buffer.from([0x03]))]),
  fc.constant([frame(8, Buffer.from([0x03, 0xe8, 0xff, 0xfe]))]),
  fc.constant([Buffer.from([0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0])]), // 64-bit length, MSB set
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => [Buffer.from(b)]),
);

// Well-formed frames whose messages are not commands: each gets no answer or an error answer.
const badMessages = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.constantFrom('{', 'null', '[]', '0', '"x"', '{"id":"1"}', '{"id":1}', '{"id":1,"channel":7}'),
  fc
    .record({
      id: fc.integer(),
      channel: fc.oneof(fc.string(), fc.constant({}), fc.constant(null), fc.constant('__proto__')),
      payload: fc.anything(),
    })
    .map((m) => JSON.stringify(m)),
  fc.constant('['.repeat(100_000)),
);

const badPaths = fc.oneof(
  fc.constantFrom(
    '/%',
    '/%E4',
    '/%zz',
    '/%%',
    '/%C0%AF',
    '/%ED%A0%80',
    '/..%2F..%2Fetc%2Fpasswd',
    '/%00',
    '/a%',
    '/index.html%',
    '/?%',
    '/__host/bridge.js%',
    '//',
    '///x',
    '/..',
    '/assets/',
  ),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('%', '%e', '%G0', '%ff'))
    .map(([s, bad]) => `/${encodeURIComponent(s)}${bad}`),
);

const badRequests = fc.oneof(
  badPaths.map((p) => [request(p)]),
  badPaths.map((p) => [
    request(p, `Upgrade: websocket\r\nOrigin: ${origin}\r\nSec-WebSocket-Version: 13\r\n`),
  ]),
  fc
    .constantFrom('//', 'http://[', '/%', '//x:y@', 'http://a b')
    .map((p) => [
      request(p, `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\n`),
    ]),
  fc.string({ maxLength: 200 }).map((s) => [s + '\r\n\r\n']),
  fc.uint8Array({ maxLength: 200 }).map((b) => [Buffer.from(b)]),
  fc
    .constantFrom(
      'GET / HTTP/9.9\r\n\r\n',
      'GET /\r\n\r\n',
      'GET / HTTP/1.1\r\nHost\r\n\r\n',
      'GET / HTTP/1.1\r\nX: \u0000\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
      'POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab',
      'GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    )
    .map((s) => [s]),
  fc
    .constantFrom('', 'Origin: http://evil.example\r\n', `Origin: ${origin}\r\n`)
    .map((o) => [handshake(o).replace(token, 'wrong')]),
  fc
    .constantFrom('attacker.example', 'localhost:1', '')
    .map((host) => [`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`]),
);

describe('the browser host under malformed input', () => {
  it('survives ≥ 355 malformed requests and frames and keeps serving the window', async () => {
    const requests = fc.sample(badRequests, { numRuns: 180, seed: 9 });
    const answers = await hammer(requests, (chunks) => raw(chunks, 800));
    // Every request that came back with anything came back with an HTTP status line.
    for (const answer of answers) if (answer) expect(answer).toMatch(/^HTTP\/1\.1 \d{3}/);
    const percent = await raw([request('/%')]);
    expect(percent).toMatch(/^HTTP\/1\.1 400/);

    const frames = fc.sample(badFrames, { numRuns: 150, seed: 10 });
    const closes = await hammer(frames, (chunks) => raw([handshake(), ...chunks], 1500));
    for (const answer of closes) expect(answer).toMatch(/^HTTP\/1\.1 101/);
    // An invalid UTF-8 frame is answered with a close frame (1007), then the socket closes.
    const utf8 = await raw([handshake(), frame(1, INVALID_UTF8[0]!)]);
    expect(Buffer.from(utf8.split('\r\n\r\n')[1] ?? '', 'latin1').subarray(0, 4)).toEqual(
      Buffer.from([0x88, 0x02, 0x03, 0xef]),
    );

    const messages = fc.sample(badMessages, { numRuns: 60, seed: 11 });
    await hammer(messages, (m) => raw([handshake(), frame(1, text(m))], 500));

    expect(requests.length + frames.length + messages.length + 2).toBeGreaterThanOrEqual(355);

    // The core still serves a well-behaved window.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/__host/ipc?token=${token}`, { origin });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send(JSON.stringify({ id: 1, channel: 'session:snapshot', payload: {} }));
    const answer = JSON.parse(await reply) as { id: number; result: { ok: boolean } };
    ws.close();
    expect(answer).toMatchObject({ id: 1, result: { ok: true } });
    expect((await fetch(origin, { headers: { 'sec-fetch-site': 'none' } })).status).toBe(200);
    expect(child.exitCode).toBeNull();
  }, 120_000);
});
