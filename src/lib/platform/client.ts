/**
 * The platform's REST client (docs/platform-api/agent-api.md §1–§5), used only by the main process.
 * Every call resolves to a typed result; nothing here throws, whatever the network or the
 * platform does, so the session core can decide about retries and state on its own.
 */
import type { z } from 'zod';
import {
  appError,
  isPlatformCode,
  PLATFORM_MESSAGES,
  PLATFORM_CODES,
} from '../../shared/domain/errors';
import type { AppError } from '../../shared/domain/errors';
import { passingTrouble } from '../../shared/gateway/wire';
import { redactText, redactValue } from '../../shared/redact';
import type { SkillOp } from '../../shared/domain/agent';
import {
  AgentSchema,
  DEFAULT_PAGE_SIZE,
  EnvelopeSchema,
  ExtensionSchema,
  MAX_PAGE_SIZE,
  normaliseAgent,
  pageSchema,
} from '../../shared/platform/dto';
import type {
  Agent,
  CreateExtensionRequest,
  ExtensionDto,
  LoginRequest,
  Page,
  PageQuery,
} from '../../shared/platform/dto';
import { DEFAULT_PLATFORM_TIME_ZONE, signedHeaders } from './signing';
import type { Credentials } from './signing';
import { fetchTransport } from './transport';
import type { PlatformTransport, TransportReply } from './transport';

/** The outcome of one platform call. */
export type PlatformResult<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface PlatformClientOptions {
  /** e.g. `https://api.yunhuni.com/v1/account/ACC`; a trailing slash is ignored. */
  baseUrl: string;
  /** null or absent: talk to a plain base URL (e.g. a signing gateway) with no auth headers. */
  credentials?: Credentials | null;
  /**
   * Agent-gateway mode (docs/gateway.md): sends `Authorization: Bearer <token>` instead of
   * signing; a 401 then means the token lapsed or was revoked (`gateway-signed-out`).
   */
  bearerToken?: () => string | null;
  timeoutMs?: number;
  /** What requests go through (default: the global fetch, through {@link fetchTransport}). */
  transport?: PlatformTransport;
  now?: () => Date;
  /**
   * The platform's time zone (IANA name, default Asia/Shanghai): the signed Timestamp is its wall
   * clock, whatever zone this machine is set to (agent-api.md §1).
   */
  timeZone?: string;
}

/** The content type of every JSON body; it is also the line that gets signed. */
export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
/** Replies larger than this are refused: no platform reply is anywhere near it. */
export const MAX_REPLY_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 200;

/** True when the platform no longer knows the session (040202) or it expired (040204). */
export function isSessionLost(error: AppError): boolean {
  return (
    error.code === PLATFORM_CODES.AGENT_NOT_FOUND || error.code === PLATFORM_CODES.AGENT_EXPIRED
  );
}

const AgentPageSchema = pageSchema(AgentSchema);
const ExtensionPageSchema = pageSchema(ExtensionSchema);

type Method = 'GET' | 'POST' | 'DELETE';

interface Call<S extends z.ZodType | null> {
  method: Method;
  /** Path below the base URL, segments already encoded. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Schema of `data`; null when the endpoint returns nothing we use. */
  data: S;
}

/** Thin typed methods over one {@link PlatformClient.request}. */
export class PlatformClient {
  private readonly baseUrl: string;
  private readonly credentials: Credentials | null;
  private readonly bearerToken: (() => string | null) | null;
  private readonly timeoutMs: number;
  private readonly transport: PlatformTransport;
  private readonly now: () => Date;
  private readonly timeZone: string;

  constructor(options: PlatformClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.credentials = options.credentials ?? null;
    this.bearerToken = options.bearerToken ?? null;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.transport = options.transport ?? fetchTransport(globalThis.fetch);
    this.now = options.now ?? (() => new Date());
    this.timeZone = options.timeZone ?? DEFAULT_PLATFORM_TIME_ZONE;
  }

  /** `POST /callcenter/agent`. */
  login(req: LoginRequest): Promise<PlatformResult<null>> {
    return this.request({ method: 'POST', path: '/callcenter/agent', body: req, data: null });
  }

  /** `DELETE /callcenter/agent/{name}?force=…`; without force the platform refuses during a call. */
  logout(name: string, opts: { force: boolean }): Promise<PlatformResult<null>> {
    return this.request({
      method: 'DELETE',
      path: agentPath(name),
      query: { force: String(opts.force) },
      data: null,
    });
  }

  /** `GET /callcenter/agent/{name}/keepalive`. */
  keepalive(name: string): Promise<PlatformResult<null>> {
    return this.request({ method: 'GET', path: `${agentPath(name)}/keepalive`, data: null });
  }

  /** `GET /callcenter/agent/{name}`. */
  async getAgent(name: string): Promise<PlatformResult<Agent>> {
    const result = await this.request({ method: 'GET', path: agentPath(name), data: AgentSchema });
    return result.ok ? { ok: true, value: normaliseAgent(result.value) } : result;
  }

  /** `GET /callcenter/agent?pageNo&pageSize`; never asks for more than {@link MAX_PAGE_SIZE}. */
  async listAgents(page: PageQuery): Promise<PlatformResult<Page<Agent>>> {
    const result = await this.request({
      method: 'GET',
      path: '/callcenter/agent',
      query: pageQuery(page),
      data: AgentPageSchema,
    });
    if (!result.ok) return result;
    return {
      ok: true,
      value: { ...result.value, result: result.value.result.map(normaliseAgent) },
    };
  }

  /** `POST /callcenter/agent/{name}/extension {id}`. */
  setExtension(name: string, id: string): Promise<PlatformResult<null>> {
    return this.request({
      method: 'POST',
      path: `${agentPath(name)}/extension`,
      body: { id },
      data: null,
    });
  }

  /** `POST /callcenter/agent/{name}/state {state}`. */
  setState(name: string, state: string): Promise<PlatformResult<null>> {
    return this.request({
      method: 'POST',
      path: `${agentPath(name)}/state`,
      body: { state },
      data: null,
    });
  }

  /** `POST /callcenter/agent/{name}/skills {opts}`; the platform applies them in order. */
  editSkills(name: string, opts: readonly SkillOp[]): Promise<PlatformResult<null>> {
    return this.request({
      method: 'POST',
      path: `${agentPath(name)}/skills`,
      body: { opts },
      data: null,
    });
  }

  /** `POST /callcenter/extension`. */
  createExtension(req: CreateExtensionRequest): Promise<PlatformResult<ExtensionDto>> {
    return this.request({
      method: 'POST',
      path: '/callcenter/extension',
      body: req,
      data: ExtensionSchema,
    });
  }

  /** `GET /callcenter/extension/{id}`; carries the SIP password, so it stays in main. */
  getExtension(id: string): Promise<PlatformResult<ExtensionDto>> {
    return this.request({ method: 'GET', path: extensionPath(id), data: ExtensionSchema });
  }

  /** `GET /callcenter/extension?pageNo&pageSize`. */
  listExtensions(page: PageQuery): Promise<PlatformResult<Page<ExtensionDto>>> {
    return this.request({
      method: 'GET',
      path: '/callcenter/extension',
      query: pageQuery(page),
      data: ExtensionPageSchema,
    });
  }

  /** `DELETE /callcenter/extension/{id}`. */
  deleteExtension(id: string): Promise<PlatformResult<null>> {
    return this.request({ method: 'DELETE', path: extensionPath(id), data: null });
  }

  /** Sends one call and turns every possible outcome into a {@link PlatformResult}. */
  private async request<S extends z.ZodType | null>(
    call: Call<S>,
  ): Promise<PlatformResult<S extends z.ZodType ? z.infer<S> : null>> {
    type Value = S extends z.ZodType ? z.infer<S> : null;
    let url: URL;
    try {
      url = new URL(this.baseUrl + call.path);
    } catch {
      return fail(appError('transport', `invalid base URL: ${this.baseUrl}`));
    }
    for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);

    const body = call.body === undefined ? '' : JSON.stringify(call.body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (call.body !== undefined) headers['Content-Type'] = JSON_CONTENT_TYPE;
    const token = this.bearerToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (this.credentials) {
      // The platform signs the raw (still percent-encoded) path without the query (§1).
      try {
        Object.assign(
          headers,
          signedHeaders(
            this.credentials,
            call.method,
            url.pathname,
            body,
            call.body === undefined ? '' : JSON_CONTENT_TYPE,
            this.now(),
            this.timeZone,
          ),
        );
      } catch {
        // Settings refuse an unknown zone; one that slips past them fails this call, not the process.
        return fail(appError('internal', `unknown platform time zone: ${this.timeZone}`));
      }
    }

    let reply: TransportReply;
    // The timeout also covers reading the body. Its timer is cleared once the reply is in:
    // AbortSignal.timeout's would fire anyway, seconds later, and build a TimeoutError nobody
    // reads, for every request (3.7 % of the core's CPU in a profile of ringing calls, whose
    // read-backs are most of its requests).
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      this.timeoutMs,
    );
    timer.unref?.();
    try {
      reply = await this.transport(url, {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body }),
        signal: deadline.signal,
        maxBytes: MAX_REPLY_BYTES,
      });
    } catch (error) {
      return fail(networkError(error, this.timeoutMs));
    } finally {
      clearTimeout(timer);
    }

    if ('unreadable' in reply) {
      if (isTimeout(reply.unreadable)) return fail(timeoutError(this.timeoutMs));
      if (reply.status !== 200) return fail(httpError(reply.status, ''));
      return fail(
        appError('malformed-reply', `reply unreadable: ${describeCause(reply.unreadable)}`),
      );
    }
    const text = reply.text;
    if (reply.status !== 200) {
      return fail(httpError(reply.status, text, this.bearerToken !== null));
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(appError('malformed-reply', `not JSON: ${excerpt(text)}`));
    }
    const envelope = EnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      return fail(appError('malformed-reply', `not an envelope: ${excerpt(text)}`));
    }
    const { code, msg, data } = envelope.data;
    if (code !== PLATFORM_CODES.OK) return fail(platformError(code, msg ?? null));
    if (call.data === null) return { ok: true, value: null as Value };
    const parsed = call.data.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || 'data'}: ${issue.message}` : 'data';
      return fail(appError('malformed-reply', `unexpected data (${where}): ${excerpt(text)}`));
    }
    return { ok: true, value: parsed.data as Value };
  }
}

function agentPath(name: string): string {
  return `/callcenter/agent/${encodeURIComponent(name)}`;
}

function extensionPath(id: string): string {
  return `/callcenter/extension/${encodeURIComponent(id)}`;
}

/** pageNo ≥ 1; 1 ≤ pageSize ≤ 1000 (the platform fails above 1000, docs/platform-api/agent-api.md §3). */
function pageQuery(page: PageQuery): Record<string, string> {
  const pageNo = Number.isFinite(page.pageNo) ? Math.max(1, Math.floor(page.pageNo)) : 1;
  const pageSize = Number.isFinite(page.pageSize)
    ? Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(page.pageSize)))
    : DEFAULT_PAGE_SIZE;
  return { pageNo: String(pageNo), pageSize: String(pageSize) };
}

function fail(error: AppError): { ok: false; error: AppError } {
  return { ok: false, error };
}

function platformError(code: string, msg: string | null): AppError {
  if (isPlatformCode(code)) return { code, message: msg ?? PLATFORM_MESSAGES[code] };
  return { code: 'platform-other', message: msg ?? '', detail: code };
}

function httpError(status: number, text: string, gateway = false): AppError {
  // Through the agent gateway, 401 means the agent's own token is gone: they must sign in.
  if (gateway && status === 401) return appError('gateway-signed-out', gatewayReply(text)?.message);
  // Authentication failures are HTTP 401 with a plain-text body, not the envelope (§1).
  if (status === 401) return appError('auth-failed', excerpt(text));
  // The gateway's own refusals (403…) carry its envelope: show its sentence. Its "could not get
  // through this time" (platform unreachable or slow behind it, its database down, the rate
  // limit) is trouble that passes: retried as an HTTP error would be, and said as the gateway's.
  const refusal = gateway ? gatewayReply(text) : null;
  if (refusal) {
    const passing = passingTrouble(refusal.code);
    if (passing) return appError(passing, `HTTP ${status} ${refusal.message}`);
    return { code: 'platform-other', message: refusal.message, detail: `HTTP ${status}` };
  }
  // Any other status: the platform was reached and answered with an error, which is not
  // "cannot reach the platform" (a 500 with an HTML page, a proxy's 502, a redirect).
  return appError('http-error', `HTTP ${status}${text ? ` ${excerpt(text)}` : ''}`);
}

/** A gateway envelope's code and its sentence (`msg (GWnnnn)`), or null. */
function gatewayReply(text: string): { code: string; message: string } | null {
  try {
    const parsed = EnvelopeSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.code.startsWith('GW')) {
      const { code, msg } = parsed.data;
      return { code, message: `${msg ?? ''} (${code})`.trim() };
    }
  } catch {
    // not JSON
  }
  return null;
}

function networkError(error: unknown, timeoutMs: number): AppError {
  if (isTimeout(error)) return timeoutError(timeoutMs);
  return appError('transport', describeCause(error));
}

function timeoutError(timeoutMs: number): AppError {
  return appError('timeout', `no reply within ${timeoutMs} ms`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** Node's fetch hides the socket error (ECONNREFUSED, ECONNRESET…) in `cause`. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause === 'object') {
    const code = typeof cause.code === 'string' ? cause.code : '';
    const message = typeof cause.message === 'string' ? cause.message : '';
    return [error.message, code || message].filter(Boolean).join(': ');
  }
  return error.message;
}

/**
 * The start of a reply, for an error's detail, which the window shows (in the SIP line's status,
 * in a refused answer) and no log redaction reaches: a reply may be an extension record with its
 * SIP password, or a page of them. Secret fields are blanked before the cut — cut first, a
 * value split at the end would no longer read as one.
 */
function excerpt(text: string): string {
  let safe: string;
  try {
    safe = JSON.stringify(redactValue(JSON.parse(text)));
  } catch {
    safe = redactText(text);
  }
  const flat = safe.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return '(empty)';
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}
