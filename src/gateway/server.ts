/**
 * The gateway's HTTP face (node:http or node:https, no framework). One request goes
 *   /healthz, /metrics → operations
 *   /v1/session        → sign-in (POST), who am I (GET), sign-out of the gateway (DELETE)
 *   /v1/platform/…     → token → rate limit → route → body → policy → signed forward
 *   anything else      → 404
 * Every answer is the platform's envelope and every request leaves an audit row. Nothing a
 * client sends can make it answer 5xx except the platform or the database being down.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import {
  createServer as createHttp,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import { BlockList, isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import { GATEWAY_PATHS, GatewaySignInSchema, type GatewayCode } from '../shared/gateway/wire';
import { isValidAgentName } from '../shared/domain/agent';
import type { AuditLog } from './audit';
import { errorText } from './audit';
import {
  BodyTooLarge,
  envelopeCode,
  parseEnvelope,
  readBody,
  sendJson,
  sendOk,
  sendRefusal,
} from './http-io';
import { authorize, matchRoute } from './policy';
import type { Route } from './policy';
import type { Forwarder } from './forward';
import type { Metrics } from './metrics';
import type { RateLimiter } from './rate-limit';
import type { Sessions } from './sessions';
import type { GatewayStore } from './store/port';
import type { Logger } from '../lib/ports';

export interface ServerParts {
  store: GatewayStore;
  sessions: Sessions;
  forwarder: Forwarder;
  metrics: Metrics;
  limiter: RateLimiter;
  audit: AuditLog;
  logger: Logger;
  now: () => number;
  /**
   * Take the client address from the last X-Forwarded-For hop when the request comes from a
   * trusted proxy: `true` = a loopback peer, or the proxies' addresses / ADDR/BITS subnets.
   */
  trustProxy: boolean | readonly string[];
  tls: { cert: string | Buffer; key: string | Buffer } | null;
}

interface Outcome {
  agent: string;
  action: string;
  target: string;
  status: number;
  code: string;
}

/** What the audit records instead of a sign-in name that is no agent's. */
export const UNKNOWN_NAME = '(unknown name)';

class Answered {
  constructor(readonly outcome: Outcome) {}
}

/**
 * Which peers' X-Forwarded-For is believed (null: nobody's). Anyone else could write their own
 * header and sign in from a new "address" each time, past the per-address lockout.
 */
export function trustedPeers(trustProxy: boolean | readonly string[]): BlockList | null {
  if (trustProxy === false) return null;
  const list = new BlockList();
  const entries = trustProxy === true ? ['127.0.0.0/8', '::1'] : trustProxy;
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

export function createGatewayServer(parts: ServerParts): Server {
  const { store, sessions, forwarder, metrics, limiter, audit, logger, now } = parts;
  const proxies = trustedPeers(parts.trustProxy);

  function sourceOf(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? '';
    if (proxies && peer && proxies.check(peer, isIPv6(peer) ? 'ipv6' : 'ipv4')) {
      const forwarded = req.headers['x-forwarded-for'];
      const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
      const last = list[list.length - 1]?.trim();
      if (last) return last.slice(0, 64);
    }
    return peer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const address = sourceOf(req);
    let outcome: Outcome;
    try {
      outcome = await route(req, res, address);
    } catch (error) {
      if (error instanceof Answered) outcome = error.outcome;
      else {
        logger.error('request failed', { error: errorText(error) });
        const status = sendRefusal(
          res,
          'GW0503',
          'the gateway could not serve this request; try again',
        );
        outcome = { agent: '', action: 'error', target: '', status, code: 'GW0503' };
      }
    }
    metrics.request(outcome.action, outcome.status, (performance.now() - started) / 1000);
    if (outcome.action !== 'healthz' && outcome.action !== 'metrics') {
      audit.add({ at: now(), sourceAddress: address, ...outcome });
    }
  }

  /** Sends a refusal and stops the request's pipeline. */
  function refuse(
    res: ServerResponse,
    code: GatewayCode,
    msg: string,
    who: { agent?: string; action: string; target?: string },
    headers: Record<string, string> = {},
  ): never {
    const status = sendRefusal(res, code, msg, headers);
    throw new Answered({
      agent: who.agent ?? '',
      action: who.action,
      target: who.target ?? '',
      status,
      code,
    });
  }

  async function body(
    req: IncomingMessage,
    res: ServerResponse,
    action: string,
    agent = '',
  ): Promise<string> {
    try {
      return await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        return refuse(res, 'GW0413', `the body is larger than 64 KiB`, { agent, action });
      }
      return refuse(res, 'GW0400', 'the body could not be read', { agent, action });
    }
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    address: string,
  ): Promise<Outcome> {
    const raw = req.url ?? '/';
    if (!raw.startsWith('/'))
      refuse(res, 'GW0400', 'the request target must be a path', { action: 'bad-path' });
    const mark = raw.indexOf('?');
    const path = mark < 0 ? raw : raw.slice(0, mark);
    const query = new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1));
    const method = req.method ?? 'GET';

    if (path === GATEWAY_PATHS.health) {
      // HEAD too: load balancers' health checks often use it (Node leaves the body out).
      if (method !== 'GET' && method !== 'HEAD')
        refuse(res, 'GW0405', 'GET or HEAD only', { action: 'healthz' }, { Allow: 'GET, HEAD' });
      try {
        await store.ping();
        sendJson(res, 200, JSON.stringify({ status: 'ok', store: store.kind }));
        return { agent: '', action: 'healthz', target: '', status: 200, code: '' };
      } catch {
        sendJson(res, 503, JSON.stringify({ status: 'store-unavailable', store: store.kind }));
        return { agent: '', action: 'healthz', target: '', status: 503, code: '' };
      }
    }
    if (path === GATEWAY_PATHS.metrics) {
      if (method !== 'GET')
        refuse(res, 'GW0405', 'GET only', { action: 'metrics' }, { Allow: 'GET' });
      const lockedOut = await store.countLocked(now()).catch(() => null);
      const text = metrics.render({ lockedOut, up: lockedOut === null ? 0 : 1 });
      res.writeHead(200, {
        'Content-Type': 'text/plain; version=0.0.4',
        'Cache-Control': 'no-store',
      });
      res.end(text);
      return { agent: '', action: 'metrics', target: '', status: 200, code: '' };
    }
    if (path === GATEWAY_PATHS.session) return sessionRoute(req, res, method, address);
    if (path.startsWith(`${GATEWAY_PATHS.platform}/`)) {
      return platformRoute(req, res, method, path.slice(GATEWAY_PATHS.platform.length), query);
    }
    return refuse(res, 'GW0404', 'no such route', { action: 'unknown' });
  }

  function bearer(req: IncomingMessage): string | null {
    const header = req.headers.authorization;
    if (typeof header !== 'string') return null;
    const m = /^Bearer ([^\s]{1,200})$/.exec(header);
    return m ? m[1]! : null;
  }

  async function authenticated(req: IncomingMessage, res: ServerResponse, action: string) {
    const token = bearer(req);
    if (!token)
      return refuse(res, 'GW0401', 'sign in to the gateway first (no bearer token)', { action });
    const who = await sessions.authenticate(token, now());
    if (!who) {
      return refuse(
        res,
        'GW0401',
        'your gateway session has expired or was revoked; sign in again',
        { action },
      );
    }
    return { token, ...who };
  }

  async function sessionRoute(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    address: string,
  ): Promise<Outcome> {
    if (method === 'POST') {
      const text = await body(req, res, 'sign-in');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return refuse(res, 'GW0400', 'the body must be JSON {name, password}', {
          action: 'sign-in',
        });
      }
      const input = GatewaySignInSchema.safeParse(parsed);
      if (!input.success || !isValidAgentName(input.data.name)) {
        return refuse(res, 'GW0400', 'the body must be {name, password} with a valid agent name', {
          action: 'sign-in',
        });
      }
      const { name, password } = input.data;
      const result = await sessions.signIn(name, password, address, now());
      let who = { agent: name, action: 'sign-in', target: name };
      if (!result.ok) {
        // A name no agent has may be a password typed into the wrong field: not in the audit.
        if (!result.known) who = { agent: '', action: 'sign-in', target: UNKNOWN_NAME };
        metrics.signIn(result.reason);
        if (result.reason === 'locked') {
          const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
          return refuse(res, 'GW0423', `too many failed sign-ins; try again in ${seconds} s`, who, {
            'Retry-After': String(seconds),
          });
        }
        if (result.reason === 'disabled') {
          return refuse(res, 'GW0403', 'this agent is disabled; ask your administrator', who);
        }
        return refuse(res, 'GW0401', 'wrong agent name or password', who);
      }
      metrics.signIn('ok');
      sendOk(res, result.session);
      return { ...who, status: 200, code: PLATFORM_CODES.OK };
    }
    if (method === 'GET' || method === 'DELETE') {
      await body(req, res, 'session');
      const action = method === 'GET' ? 'session' : 'sign-out';
      const who = await authenticated(req, res, action);
      if (method === 'DELETE') await sessions.revoke(who.token);
      sendOk(res, method === 'GET' ? sessions.describe(who.agent, who.session) : null);
      return {
        agent: who.agent.name,
        action,
        target: who.agent.name,
        status: 200,
        code: PLATFORM_CODES.OK,
      };
    }
    return refuse(
      res,
      'GW0405',
      'POST, GET or DELETE only',
      { action: 'session' },
      { Allow: 'POST, GET, DELETE' },
    );
  }

  async function platformRoute(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    subPath: string,
    query: URLSearchParams,
  ): Promise<Outcome> {
    const text = await body(req, res, 'platform');
    const who = await authenticated(req, res, 'platform');
    const agent = who.agent.name;
    if (!limiter.take(agent, now())) {
      return refuse(
        res,
        'GW0429',
        'too many requests; slow down',
        { agent, action: 'rate-limited' },
        { 'Retry-After': '1' },
      );
    }
    const matched = matchRoute(method, subPath, query);
    if (!matched.ok) {
      const code: GatewayCode =
        matched.status === 400 ? 'GW0400' : matched.status === 405 ? 'GW0405' : 'GW0403';
      return refuse(res, code, matched.reason, { agent, action: 'platform' });
    }
    let parsed: unknown = undefined;
    if (matched.route.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/json\b/i.test(type)) {
        return refuse(res, 'GW0415', 'the body must be application/json', {
          agent,
          action: matched.route.action,
        });
      }
      try {
        parsed = JSON.parse(text);
      } catch {
        return refuse(res, 'GW0400', 'the body is not valid JSON', {
          agent,
          action: matched.route.action,
        });
      }
    }
    const decision = authorize(matched.route, parsed, who.agent);
    if (!decision.ok) {
      const code: GatewayCode = decision.status === 400 ? 'GW0400' : 'GW0403';
      return refuse(res, code, decision.reason, {
        agent,
        action: decision.action,
        target: decision.target,
      });
    }
    const r = decision.route;
    if (r.action === 'get-extension') await checkBound(res, agent, r);
    const sent = await forwarder.send(
      r.method,
      r.upstreamPath,
      r.query,
      r.method === 'POST' ? JSON.stringify(decision.body ?? {}) : null,
    );
    if (!sent.ok) {
      metrics.platformError(sent.code);
      logger.warn('platform call failed', { action: r.action, reason: sent.reason });
      return refuse(res, sent.code, sent.reason, { agent, action: r.action, target: r.target });
    }
    let { body: reply } = sent.reply;
    const code = envelopeCode(reply);
    if (sent.reply.status !== 200) metrics.platformError(`http${sent.reply.status}`);
    else if (code !== PLATFORM_CODES.OK) metrics.platformError(code || 'malformed');
    // Whatever the code says: an agent never reads another extension's SIP password.
    if (r.action === 'list-extensions') reply = withoutPasswords(reply);
    sendJson(res, sent.reply.status, reply);
    return { agent, action: r.action, target: r.target, status: sent.reply.status, code };
  }

  /** The SIP password only for the extension the platform shows bound to this very agent. */
  async function checkBound(res: ServerResponse, agent: string, r: Route): Promise<void> {
    const who = { agent, action: r.action, target: r.target };
    const read = await forwarder.send(
      'GET',
      `/callcenter/agent/${encodeURIComponent(agent)}`,
      {},
      null,
    );
    if (!read.ok) return refuse(res, read.code, read.reason, who);
    const { code, data } = parseEnvelope(read.reply.body);
    if (read.reply.status !== 200 || code !== PLATFORM_CODES.OK) {
      // The platform could not say (its error, or the agent unknown there): its own answer goes
      // back, so the desktop acts on it (a lost session heals), not on "not bound".
      metrics.platformError(
        read.reply.status !== 200 ? `http${read.reply.status}` : code || 'malformed',
      );
      sendJson(res, read.reply.status, read.reply.body);
      throw new Answered({ ...who, status: read.reply.status, code });
    }
    const bound = (data as { extension?: unknown } | null | undefined)?.extension;
    if (bound !== r.target) refuse(res, 'GW0403', 'that extension is not bound to this agent', who);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error) => logger.error('request failed', { error: errorText(error) }));
  };
  const server = parts.tls
    ? createHttps({ cert: parts.tls.cert, key: parts.tls.key }, listener)
    : createHttp(listener);
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
    const body = JSON.stringify({ code: 'GW0400', msg: 'malformed HTTP request', data: null });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json;charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  return server;
}

/** An extension page with every `password` removed (the list is for picking, not registering). */
function withoutPasswords(reply: string): string {
  try {
    // Every `password`, wherever the platform put it: the list's shape is the platform's to vary.
    return JSON.stringify(JSON.parse(reply), (key, value: unknown) =>
      key.toLowerCase() === 'password' ? undefined : value,
    );
  } catch {
    return JSON.stringify({
      code: 'GW0502',
      msg: 'the platform sent an unreadable extension list',
      data: null,
    });
  }
}
