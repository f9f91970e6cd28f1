/**
 * The agent gateway's wire API, shared by the gateway (src/gateway) and the desktop's client.
 *
 *   POST   /v1/session            {name, password}      → envelope data {@link GatewaySession}
 *   GET    /v1/session            (Bearer)              → envelope data {@link GatewaySession}
 *   DELETE /v1/session            (Bearer)              → revokes the token
 *   *      /v1/platform/callcenter/…  (Bearer)          → the platform's agent API, signed by the
 *          gateway, for the token's own agent only (agent-api.md §3, §5)
 *   GET    /healthz, /metrics                           → operations
 *
 * Every answer is the platform's envelope `{code, msg, data}`; the gateway's own refusals carry a
 * `GW…` code with a matching HTTP status, and platform errors pass through unchanged.
 */
import { z } from 'zod';
import type { AppCode } from '../domain/errors';

export const GATEWAY_PATHS = {
  session: '/v1/session',
  /** The desktop's PlatformClient base URL is `<gateway origin>` + this. */
  platform: '/v1/platform',
  health: '/healthz',
  metrics: '/metrics',
} as const;

/** The gateway's own codes, each with the HTTP status it is sent with. */
export const GATEWAY_CODES = {
  GW0400: 400, // malformed request
  GW0401: 401, // no, unknown, expired or revoked token; wrong name or password
  GW0403: 403, // not this agent's to do
  GW0404: 404, // no such route
  GW0405: 405, // method not allowed on this route
  GW0413: 413, // body too large
  GW0415: 415, // body is not JSON
  GW0423: 429, // sign-in locked after repeated failures (Retry-After says how long)
  GW0429: 429, // too many requests for this agent
  GW0502: 502, // the platform could not be reached or refused the gateway's credentials
  GW0503: 503, // the gateway's database is unavailable
  GW0504: 504, // the platform did not answer in time
} as const;
export type GatewayCode = keyof typeof GATEWAY_CODES;

/**
 * "Could not get through this time": the platform unreachable or slow behind the gateway (GW0502,
 * GW0504), its database down (GW0503), this agent's rate limit (GW0429). They say nothing about
 * the agent's session, so a desktop retries them as it would a proxy's 502.
 */
export const GATEWAY_PASSING_CODES: ReadonlySet<string> = new Set<GatewayCode>([
  'GW0429',
  'GW0502',
  'GW0503',
  'GW0504',
]);

/** The desktop's code for the gateway's "could not get through this time", on any request. */
export function passingTrouble(code: string): 'gateway-trouble' | null {
  return GATEWAY_PASSING_CODES.has(code) ? 'gateway-trouble' : null;
}

/**
 * What a refused sign-in at the gateway tells the agent, by its code, in the window's language;
 * the passing codes say `gateway-trouble` (passingTrouble). Other codes keep the gateway's own sentence. (GW0403
 * means "disabled" at sign-in only.)
 */
export const SIGN_IN_REFUSALS = {
  GW0401: 'wrong-password',
  GW0423: 'sign-in-locked',
  GW0403: 'agent-disabled',
} as const satisfies Partial<Record<GatewayCode, AppCode>>;

/** The desktop's code for a refused sign-in's gateway code, or null (other codes). */
export function signInRefusal(code: string): AppCode | null {
  const passing = passingTrouble(code);
  if (passing) return passing;
  return Object.hasOwn(SIGN_IN_REFUSALS, code)
    ? SIGN_IN_REFUSALS[code as keyof typeof SIGN_IN_REFUSALS]
    : null;
}

export function isGatewayCode(code: string): code is GatewayCode {
  return Object.hasOwn(GATEWAY_CODES, code);
}

export const GatewaySignInSchema = z.object({
  name: z.string().min(1).max(32),
  password: z.string().min(1).max(1024),
});
export type GatewaySignIn = z.infer<typeof GatewaySignInSchema>;

export const GatewaySessionSchema = z.object({
  /** Present only in the sign-in reply. */
  token: z.string().optional(),
  agent: z.string(),
  /** Epoch ms: the absolute end of this session (a shift). */
  expiresAt: z.number(),
  /** Seconds without a request after which the token lapses (keepalives extend it). */
  idleSeconds: z.number(),
  extensions: z.array(z.string()),
  allowSkills: z.boolean(),
});
export type GatewaySession = z.infer<typeof GatewaySessionSchema>;
