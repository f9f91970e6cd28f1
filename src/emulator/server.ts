/**
 * The emulator's HTTP face: node:http, no framework. One request goes
 *   body (≤ 64 KiB, else 413) → /emulator/* controls (unsigned)
 *   → anything else must be /v1/account/{account}/callcenter/... (else 404)
 *   → signature check when credentials are set (401 text/plain saying why)
 *   → account (404) → path (404) → method (405 + Allow) → service switch (010002)
 *   → handler → the platform's envelope, HTTP 200.
 * Anything a handler throws becomes envelope 000002 and a line in the log; the server carries
 * on. Keepalive is the hot path: no URL object, no body read, a pre-serialized reply.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Credentials } from '../lib/platform/signing';
import { AgentLock } from './agent-lock';
import { AUTH_CHALLENGE, checkSignature } from './auth';
import type { CallCenter } from './calls/call-center';
import { handleControl, type ServerSettings } from './controls';
import { readBody, sendEnvelope, sendText } from './http-io';
import { describe } from '../lib/listeners';
import { fail } from './results';
import { platformRoutes } from './routes';
import type { PlatformStore } from './store';

export interface ServerContext {
  store: PlatformStore;
  accountId: string;
  /** null = authentication off. */
  credentials: Credentials | null;
  /** Mutable: POST /emulator/config changes it. */
  settings: ServerSettings;
  log: (msg: string) => void;
  /** The call center behind /emulator/calls, if any. */
  calls?: CallCenter;
}

/** Creates (does not start) the emulator's HTTP server. */
export function createEmulatorServer(ctx: ServerContext): Server {
  const lock = new AgentLock(() => ctx.settings.lockWaitMs);
  const match = platformRoutes(ctx.store, lock);
  const controls = {
    store: ctx.store,
    lock,
    settings: ctx.settings,
    accountId: ctx.accountId,
    auth: ctx.credentials !== null,
    calls: ctx.calls,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const query = mark < 0 ? '' : url.slice(mark + 1);
    const method = req.method ?? 'GET';

    let body: string | null;
    try {
      body = await readBody(req);
    } catch {
      // The client went away mid-body: nobody is left to answer, and it is not our fault.
      res.destroy();
      return;
    }
    if (body === null) {
      // Drain what the client is still sending so it reads the 413 instead of a reset, but
      // never for long: the connection closes after this reply anyway.
      res.once('finish', () => {
        req.resume();
        setTimeout(() => req.socket.destroy(), 2000).unref();
      });
      return sendText(res, 413, 'request body larger than 64 KiB', {}, true);
    }
    if (path === '/emulator' || path.startsWith('/emulator/')) {
      return handleControl(controls, method, path, body, res);
    }
    // ['', 'v1', 'account', '{id}', 'callcenter', ...]
    const segments = path.split('/');
    if (
      segments.length < 6 ||
      segments[0] !== '' ||
      segments[1] !== 'v1' ||
      segments[2] !== 'account' ||
      segments[4] !== 'callcenter'
    ) {
      return sendText(res, 404, `not found: ${path}`);
    }
    if (ctx.credentials) {
      const problem = checkSignature(
        { method, path, body, headers: req.headers },
        ctx.credentials,
        ctx.settings.timestampWindowSec,
        ctx.store.now(),
        ctx.settings.platformTimeZone,
      );
      if (problem) {
        return sendText(res, 401, `authentication failed: ${problem}`, {
          'WWW-Authenticate': AUTH_CHALLENGE,
        });
      }
    }
    if (segments[3] !== ctx.accountId) return sendText(res, 404, `unknown account ${segments[3]}`);
    const route = match(segments.slice(5));
    if (!route) return sendText(res, 404, `not found: ${path}`);
    const handler = route.methods[method];
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ');
      return sendText(res, 405, `method ${method} not allowed here`, { Allow: allow });
    }
    if (!ctx.settings.callCenterService) return sendEnvelope(res, fail(PLATFORM_CODES.NO_SERVICE));
    sendEnvelope(res, await handler({ params: route.params, query, body }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      ctx.log(`emulator: ${req.method} ${req.url} failed: ${describe(error)}`);
      if (!res.headersSent) sendEnvelope(res, fail(PLATFORM_CODES.UNKNOWN));
      else res.destroy();
    });
  });
  return server;
}
