/**
 * The browser host's session token is only in the address the host hands out (its fragment,
 * which no request carries): never in the page, so another local process (curl, another OS user)
 * that fetches the page learns nothing. The page itself goes only to a top-level visit to the
 * bound address (or our own page): not a DNS-rebound name, not another origin's page (fetch,
 * iframe, script, form). And the IPC socket opens only for our own origin and host with the token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../src/main/core/create-core';
import { MemorySecretStore } from '../../src/lib/ports';
import { startBrowserHost } from '../../src/dev-host/browser-host';
import { startEmulator } from '../../src/emulator/index';
import type { BrowserHost } from '../../src/dev-host/browser-host';
import type { Core } from '../../src/main/core/create-core';
import type { RunningEmulator } from '../../src/emulator/index';

let emulator: RunningEmulator;
let core: Core;
let host: BrowserHost;
let dir: string;
let bound: string;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'host-token-'));
  writeFileSync(join(dir, 'index.html'), '<html><head></head><body>window</body></html>');
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async () => ({ emulator, sipWsUrl: null, close: async () => undefined }),
  });
  host = await startBrowserHost({ core, rendererDir: dir });
  bound = new URL(host.url).host;
  token = /^#token=([0-9a-f]{32})$/.exec(new URL(host.url).hash)?.[1] ?? '';
});

afterAll(async () => {
  await core.shutdown(1000);
  await host.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (url: string, options: { origin?: string; headers?: Record<string, string> }) =>
  new Promise<'open' | 'refused'>((resolve) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('error', () => resolve('refused'));
  });

/** GET with exactly these headers (fetch would set Host and Sec-Fetch-* itself). */
function get(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(host.url);
    const req = request(
      { host: '127.0.0.1', port: url.port, path, headers, setHost: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const hasToken = (body: string) => body.includes(token) || /token=[0-9a-f]{32}/.test(body);

describe('the token', () => {
  it('is in the address the host hands out, in the fragment no request carries', () => {
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(new URL(host.url).pathname).toBe('/');
  });

  it('is never in the page: not for a visit, a reload, curl or the bridge script', async () => {
    const visit = await get('/', {
      Host: bound,
      'Sec-Fetch-Site': 'none',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Dest': 'document',
    });
    expect(visit.status).toBe(200);
    expect(visit.body).toContain('<script src="/__host/bridge.js"></script>');
    expect(hasToken(visit.body)).toBe(false);
    const reload = await get('/', { Host: bound, 'Sec-Fetch-Site': 'same-origin' });
    expect(reload.status).toBe(200);
    expect(hasToken(reload.body)).toBe(false);
    const curl = await get('/index.html', { Host: bound });
    expect(curl.status).toBe(200);
    expect(hasToken(curl.body)).toBe(false);
    expect(hasToken((await get('/__host/bridge.js', { Host: bound })).body)).toBe(false);
  });

  it('a local process that fetched the page still cannot open the IPC socket', async () => {
    // What another OS user on a shared machine can do: fetch the page, forge the Origin.
    const page = await get('/', { Host: bound });
    const found = /token=([0-9a-f]*)/.exec(page.body)?.[1] ?? '';
    const origin = `http://${bound}`;
    const ipc = `ws://${bound}/__host/ipc`;
    expect(await open(`${ipc}?token=${found}`, { origin })).toBe('refused');
    expect(await open(ipc, { origin })).toBe('refused');
  });

  it("answers the page's question whether its token is still this run's, and nothing more", async () => {
    expect((await get(`/__host/ipc?token=${token}`, { Host: bound })).status).toBe(426);
    expect((await get('/__host/ipc?token=0', { Host: bound })).status).toBe(403);
    expect((await get('/__host/ipc', { Host: bound })).status).toBe(403);
    const port = new URL(host.url).port;
    const rebound = `attacker.example:${port}`;
    expect((await get(`/__host/ipc?token=${token}`, { Host: rebound })).status).toBe(421);
  });
});

describe('the page', () => {
  it('is refused to a DNS-rebound host name, a missing Host and a different port', async () => {
    const port = new URL(host.url).port;
    for (const name of [
      `attacker.example:${port}`,
      `localhost.attacker.example:${port}`,
      '127.0.0.1:1',
    ]) {
      const rebound = await get('/', { Host: name, 'Sec-Fetch-Site': 'same-origin' });
      expect(rebound.status, name).toBe(421);
      expect(hasToken(rebound.body)).toBe(false);
    }
    const none = await get('/', {});
    expect(none.status).toBe(400); // Node's own answer to HTTP/1.1 without Host
    expect(hasToken(none.body)).toBe(false);
    // Static files too: a rebound page learns nothing from this host.
    expect((await get('/__host/bridge.js', { Host: `attacker.example:${port}` })).status).toBe(421);
  });

  it('is refused to requests another site’s page can make', async () => {
    const cases: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'document' }, // link, window.open, form
      { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Dest': 'document' },
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'iframe' },
      { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Dest': 'iframe' },
      { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Dest': 'script' },
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' },
      { Origin: 'http://attacker.example' }, // an older browser's cross-origin fetch
      { Origin: 'null' },
    ];
    for (const headers of cases) {
      const answer = await get('/', { Host: bound, ...headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(hasToken(answer.body)).toBe(false);
    }
  });

  it('is never cached, framed or referred on', async () => {
    const url = new URL(host.url);
    const res = await fetch(url, { headers: { 'sec-fetch-site': 'none' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('the IPC socket', () => {
  it('opens for our page with the token, and for nobody else', async () => {
    const origin = `http://${bound}`;
    const ipc = `ws://${bound}/__host/ipc`;
    expect(await open(`${ipc}?token=${token}`, { origin })).toBe('open');
    // One character off (never the same one: a token may start with any hex digit).
    const wrong = `${token[0] === '0' ? '1' : '0'}${token.slice(1)}`;
    expect(await open(`${ipc}?token=${wrong}`, { origin })).toBe('refused');
    expect(await open(`${ipc}?token=${token}`, { origin: 'http://attacker.example' })).toBe(
      'refused',
    );
    expect(
      await open(`${ipc}?token=${token}`, { origin, headers: { Host: 'attacker.example' } }),
    ).toBe('refused');
  });
});
