/**
 * Signs a request with the account's credentials (src/lib/platform/signing) and sends it to
 * the platform. The reply comes back as it was (status and body), so platform errors pass
 * through unchanged; only transport failures and a 401 (the platform refusing the *gateway's*
 * credentials — nothing the agent can fix, and not to be mistaken for their token lapsing)
 * become gateway codes.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { JSON_CONTENT_TYPE, MAX_REPLY_BYTES } from '../lib/platform/client';
import { signedHeaders } from '../lib/platform/signing';
import type { Credentials } from '../lib/platform/signing';

export interface Upstream {
  status: number;
  body: string;
  contentType: string;
}

export type ForwardResult =
  { ok: true; reply: Upstream } | { ok: false; code: 'GW0502' | 'GW0504'; reason: string };

export interface ForwarderOptions {
  /** The platform's BASE_URL, e.g. https://api.yunhuni.com/v1/account/ACC. */
  baseUrl: string;
  credentials: Credentials;
  timeoutMs: number;
  now?: () => Date;
  /** The platform's time zone (IANA; default Asia/Shanghai): the Timestamp is its wall clock. */
  timeZone?: string;
}

/**
 * node:http(s) with a keep-alive pool rather than fetch: on the hot path (a keepalive per agent
 * every 30 s) it costs several times less CPU per request.
 */
export class Forwarder {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly now: () => Date;
  private readonly agent: HttpAgent;
  private readonly send1: typeof httpRequest;

  constructor(private readonly options: ForwarderOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, ''));
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
    const tls = this.base.protocol === 'https:';
    this.agent = tls
      ? new HttpsAgent({ keepAlive: true, maxSockets: 256 })
      : new HttpAgent({ keepAlive: true, maxSockets: 256 });
    this.send1 = tls ? httpsRequest : httpRequest;
  }

  send(
    method: string,
    path: string,
    query: Record<string, string>,
    body: string | null,
  ): Promise<ForwardResult> {
    const fullPath = this.basePath + path;
    const search = new URLSearchParams(query).toString();
    const headers: Record<string, string | number> = {
      Accept: 'application/json',
      ...signedHeaders(
        this.options.credentials,
        method,
        fullPath,
        body ?? '',
        body === null ? '' : JSON_CONTENT_TYPE,
        this.now(),
        this.options.timeZone,
      ),
    };
    if (body !== null) {
      headers['Content-Type'] = JSON_CONTENT_TYPE;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    return new Promise<ForwardResult>((resolve) => {
      let settled = false;
      const done = (result: ForwardResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = this.send1(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path: search ? `${fullPath}?${search}` : fullPath,
          headers,
          agent: this.agent,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const declared = Number(res.headers['content-length'] ?? NaN);
          if (declared > MAX_REPLY_BYTES) {
            res.destroy();
            return done({ ok: false, code: 'GW0502', reason: 'the platform reply is too large' });
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REPLY_BYTES) {
              res.destroy();
              done({ ok: false, code: 'GW0502', reason: 'the platform reply is too large' });
            } else chunks.push(chunk);
          });
          res.on('error', () =>
            done({ ok: false, code: 'GW0502', reason: 'the platform reply broke off' }),
          );
          res.on('end', () => {
            if (status === 401) {
              return done({
                ok: false,
                code: 'GW0502',
                reason: "the platform refused the gateway's credentials",
              });
            }
            if (status >= 300 && status < 400) {
              return done({
                ok: false,
                code: 'GW0502',
                reason: `the platform redirected (HTTP ${status})`,
              });
            }
            done({
              ok: true,
              reply: {
                status,
                body: Buffer.concat(chunks).toString('utf8'),
                contentType: String(
                  res.headers['content-type'] ?? 'application/json;charset=utf-8',
                ),
              },
            });
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        done({ ok: false, code: 'GW0504', reason: 'the platform did not answer in time' });
      }, this.options.timeoutMs);
      timer.unref();
      req.on('error', () =>
        done({ ok: false, code: 'GW0502', reason: 'the platform could not be reached' }),
      );
      req.end(body ?? undefined);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
