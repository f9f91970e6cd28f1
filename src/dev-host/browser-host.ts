/**
 * The development/test host: the same core, served to the real renderer in a browser. It serves
 * the built renderer over http on loopback, injects the bridge (the browser's stand-in for the
 * preload) and carries the contract over one WebSocket. A second adapter of the contract — the
 * core validates every command exactly as it does for Electron's ipcMain.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { EVENT_CHANNELS } from '../shared/ipc/contract';
import { appError } from '../shared/domain/errors';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import type { DesktopCore } from '../main/core/desktop-core';

export interface BrowserHostOptions {
  core: DesktopCore;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
}

export interface BrowserHost {
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

let bridgeCode: Promise<string> | null = null;

/** Bundles src/dev-host/bridge.ts once per process (vite, in memory). */
function bridge(): Promise<string> {
  bridgeCode ??= (async () => {
    const { build } = await import('vite');
    const entry = fileURLToPath(new URL('./bridge.ts', import.meta.url));
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: true,
        lib: { entry, formats: ['iife'], name: 'agentDesktopBridge', fileName: () => 'bridge.js' },
      },
    });
    const first = Array.isArray(output) ? output[0] : output;
    const chunk = (first as { output: { type: string; code?: string }[] }).output.find(
      (o) => o.type === 'chunk',
    );
    if (!chunk?.code) throw new Error('bridge bundle is empty');
    return chunk.code;
  })();
  return bridgeCode;
}

/** Starts the host on 127.0.0.1. */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core } = options;
  const root = resolve(options.rendererDir);
  const token = randomBytes(16).toString('hex');
  const code = await bridge();
  const sockets = new Set<WebSocket>();
  let origin = '';

  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
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
    readFile(full)
      .then((body) => {
        let out: Buffer | string = body;
        if (file === 'index.html') {
          // A classic script at the end of <head> runs before the renderer's module script (modules
          // are deferred) and after the page's CSP <meta>, which then governs it too.
          out = body
            .toString('utf8')
            .replace('</head>', `<script src="/__host/bridge.js?token=${token}"></script></head>`);
        }
        res
          .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(out);
      })
      .catch(() => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    // The sender check of this adapter: our own page (origin) holding this run's token.
    if (
      url.pathname !== '/__host/ipc' ||
      req.headers.origin !== origin ||
      url.searchParams.get('token') !== token
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
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
    const result =
      message.channel === undefined
        ? { ok: false, error: appError('unknown-command') }
        : await core.dispatch(message.channel, message.payload);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, result }));
  };

  const unsubscribers = EVENT_CHANNELS.map((event) =>
    core.on(event, (payload) => {
      const text = JSON.stringify({ event, payload });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    }),
  );

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    clients: () => sockets.size,
    async close() {
      for (const off of unsubscribers) off();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
