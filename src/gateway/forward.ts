/**
 * Signs a request with the account's credentials (src/lib/platform/signing) and sends it to
 * the platform. The reply comes back as it was (status and body), so platform errors pass
 * through unchanged; only transport failures and a 401 (the platform refusing the *gateway's*
 * credentials — nothing the agent can fix, and not to be mistaken for their token lapsing)
 * become gateway codes.
 */
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
  fetch?: typeof fetch;
  now?: () => Date;
}

export class Forwarder {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => Date;

  constructor(private readonly options: ForwarderOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? (() => new Date());
  }

  async send(
    method: string,
    path: string,
    query: Record<string, string>,
    body: string | null,
  ): Promise<ForwardResult> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...signedHeaders(
        this.options.credentials,
        method,
        url.pathname,
        body ?? '',
        body === null ? '' : JSON_CONTENT_TYPE,
        this.now(),
      ),
    };
    if (body !== null) headers['Content-Type'] = JSON_CONTENT_TYPE;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        body: body ?? undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      return failure(error);
    }
    let text: string;
    try {
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > MAX_REPLY_BYTES) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, code: 'GW0502', reason: 'the platform reply is too large' };
      }
      text = await response.text();
    } catch (error) {
      return failure(error);
    }
    if (response.status === 401) {
      return {
        ok: false,
        code: 'GW0502',
        reason: "the platform refused the gateway's credentials",
      };
    }
    if (response.status >= 300 && response.status < 400) {
      return {
        ok: false,
        code: 'GW0502',
        reason: `the platform redirected (HTTP ${response.status})`,
      };
    }
    return {
      ok: true,
      reply: {
        status: response.status,
        body: text,
        contentType: response.headers.get('content-type') ?? 'application/json;charset=utf-8',
      },
    };
  }
}

function failure(error: unknown): ForwardResult {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { ok: false, code: 'GW0504', reason: 'the platform did not answer in time' };
  }
  return { ok: false, code: 'GW0502', reason: 'the platform could not be reached' };
}
