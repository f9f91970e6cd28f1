/**
 * The development/test host: the same core, served to the real renderer in a browser. It serves
 * the built renderer over http on loopback, injects the bridge (the browser's stand-in for the
 * preload) and carries the contract over one WebSocket. A second adapter of the contract — the
 * core validates every command exactly as it does for Electron's ipcMain.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { EVENT_CHANNELS } from '../shared/ipc/contract';
import { createWindowPushEncoder } from '../shared/ipc/session-push';
import { appError } from '../shared/domain/errors';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import type { DesktopCore } from '../main/core/desktop-core';
import type { Result } from '../shared/ipc/contract';

export interface BrowserHostOptions {
  core: DesktopCore;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
}

export interface BrowserHost {
  /** The window's address; its fragment (`#token=…`) carries this run's token, never the page. */
  url: string;
  /** Connected windows (for tests that check reconnection). */
  clients(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const MAX_MESSAGE = 256 * 1024;
/** The window's page is neither cached, framed nor referred on. */
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The request's path, percent-decoded; null when it does not decode (`/%`, `/%E4`). */
function decodedPath(url: string | undefined): string | null {
  try {
    return decodeURIComponent((url ?? '/').split('?')[0] ?? '/');
  } catch {
    return null;
  }
}

/** The request's URL against our origin; null when it does not parse (`//`, `http://[`). */
function parsedUrl(url: string | undefined, origin: string): URL | null {
  try {
    return new URL(url ?? '/', origin);
  } catch {
    return null;
  }
}

/**
 * Whether a request for the window's page comes from a top-level visit (typed URL, bookmark, a
 * tool such as curl that sends no fetch metadata) or from our own page. Browsers mark every
 * request another site's page makes with Sec-Fetch-Site cross-site/same-site and its Origin.
 */
function ownPageRequest(headers: IncomingHttpHeaders, origin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'none' && site !== 'same-origin') return false;
  const dest = headers['sec-fetch-dest'];
  if (dest !== undefined && dest !== 'document') return false;
  return headers.origin === undefined || headers.origin === origin;
}

let bridgeCode: Promise<string> | null = null;

/**
 * Bundles src/dev-host/bridge.ts once per process (vite, in memory), in a child process: vite
 * and rollup would otherwise stay loaded here for good (~35 MB of live heap), and every full
 * garbage collection of the core would mark them again.
 */
function bridge(): Promise<string> {
  bridgeCode ??= new Promise<string>((resolve, reject) => {
    const entry = fileURLToPath(new URL('./bridge.ts', import.meta.url));
    const script = `
      const { build } = await import(${JSON.stringify(import.meta.resolve('vite'))});
      const output = await build({
        configFile: false,
        logLevel: 'silent',
        build: {
          write: false,
          minify: true,
          lib: { entry: ${JSON.stringify(entry)}, formats: ['iife'], name: 'agentDesktopBridge', fileName: () => 'bridge.js' },
        },
      });
      const first = Array.isArray(output) ? output[0] : output;
      const chunk = first.output.find((o) => o.type === 'chunk');
      process.stdout.write(chunk?.code ?? '');`;
    execFile(
      process.execPath,
      ['--input-type=module', '--eval', script],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`bridge bundle failed: ${stderr || error.message}`));
        else if (!stdout) reject(new Error('bridge bundle is empty'));
        else resolve(stdout);
      },
    );
  });
  return bridgeCode;
}

/** Starts the host on 127.0.0.1. */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core } = options;
  const root = resolve(options.rendererDir);
  const token = randomBytes(16).toString('hex');
  const code = await bridge();
  /** Each window's socket, with its own push encoder (what it last sent that socket). */
  const sockets = new Map<WebSocket, ReturnType<typeof createWindowPushEncoder>>();
  let origin = '';
  let ownHost: (value: string | undefined) => boolean = () => false;

  const server = createServer((req, res) => {
    if (!ownHost(req.headers.host)) {
      // DNS rebinding: a page on attacker.example resolved to 127.0.0.1 sends its own Host.
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodedPath(req.url);
    if (path === null) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request path');
      return;
    }
    if (path === '/__host/ipc') {
      // Not an upgrade: the page asks whether its token is still this run's (after a failed
      // handshake, which a browser reports without its status). Tells no more than a handshake.
      const given = parsedUrl(req.url, origin)?.searchParams.get('token');
      res.writeHead(given === token ? 426 : 403, { 'Cache-Control': 'no-store' }).end();
      return;
    }
    if (path === '/__host/bridge.js') {
      res.writeHead(200, { 'Content-Type': TYPES['.js']!, 'Cache-Control': 'no-store' }).end(code);
      return;
    }
    const file = path === '/' ? 'index.html' : normalize(path).replace(/^[/\\]+/, '');
    const full = join(root, file);
    if (!full.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    // The window's page goes to a top-level visit or our own page, never to a request another
    // origin's page can make (fetch, iframe, script, form). It holds no token: that is only in
    // the address the host hands out (see the bridge), so a process that fetches it learns none.
    if (file === 'index.html' && !ownPageRequest(req.headers, origin)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('cross-site request refused');
      return;
    }
    readFile(full)
      .then((body) => {
        let out: Buffer | string = body;
        const headers: Record<string, string> = {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        };
        if (file === 'index.html') {
          // A classic script at the end of <head> runs before the renderer's module script (modules
          // are deferred) and after the page's CSP <meta>, which then governs it too.
          out = body
            .toString('utf8')
            .replace('</head>', '<script src="/__host/bridge.js"></script></head>');
          Object.assign(headers, PAGE_HEADERS);
        }
        res.writeHead(200, headers).end(out);
      })
      .catch(() => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'));
  });
  // A broken request line or header gets Node's 400; a reset socket is just closed.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    // Node drops its own error handler from an upgraded socket: a reset here must not crash.
    socket.on('error', () => socket.destroy());
    const url = parsedUrl(req.url, origin);
    // The sender check of this adapter: our own page (origin) holding this run's token.
    if (
      url === null ||
      url.pathname !== '/__host/ipc' ||
      !ownHost(req.headers.host) ||
      req.headers.origin !== origin ||
      url.searchParams.get('token') !== token
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.set(ws, createWindowPushEncoder());
      // A protocol error (invalid UTF-8, a frame over MAX_MESSAGE, a bad opcode) closes this
      // window's socket with the matching close code; the window reconnects. The core stays up.
      ws.on('error', () => ws.terminate());
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void answer(ws, data.toString()));
    });
  });

  const answer = async (ws: WebSocket, text: string) => {
    let message: { id?: unknown; channel?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // not JSON: nothing to answer to
    }
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
    let result: Result<unknown>;
    try {
      result =
        message.channel === undefined
          ? { ok: false, error: appError('unknown-command') }
          : await core.dispatch(message.channel, message.payload);
    } catch {
      result = { ok: false, error: appError('internal') };
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, result }));
  };

  const unsubscribers = EVENT_CHANNELS.map((event) =>
    core.on(event, (payload) => {
      for (const [ws, encode] of sockets) {
        if (ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ event, payload: encode(event, payload) }));
      }
    }),
  );

  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
  } catch (error) {
    // A busy or forbidden port: reject (the caller says so) instead of an unhandled 'error'.
    for (const off of unsubscribers) off();
    wss.close();
    throw error;
  }
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${host}`;
  ownHost = (value) => value === host;

  return {
    url: `${origin}/#token=${token}`,
    clients: () => sockets.size,
    async close() {
      for (const off of unsubscribers) off();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
