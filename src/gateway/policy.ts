/**
 * What an agent may ask the platform for, through the gateway: a pure function of the request
 * (method, path below /v1/platform, query, parsed body) and the agent's record. Everything
 * not listed here is refused (403), and the platform is not called.
 *
 * Allowed, each for the token's own agent name only:
 *   POST   /callcenter/agent                     login (name = self, extension assigned,
 *                                                skills only when skills editing is allowed)
 *   DELETE /callcenter/agent/{self}?force=…      logout (force-logout in the audit when true)
 *   GET    /callcenter/agent/{self}/keepalive    keepalive
 *   GET    /callcenter/agent/{self}              read back
 *   POST   /callcenter/agent/{self}/state        state
 *   POST   /callcenter/agent/{self}/skills       skills, if allowed
 *   POST   /callcenter/agent/{self}/extension    an assigned extension
 *   GET    /callcenter/extension/{id}            SIP user+password of the self-bound extension
 *                                                (the gateway checks the binding on the platform)
 *   GET    /callcenter/agent?pageNo&pageSize     team list
 *   GET    /callcenter/extension?pageNo&pageSize extension list, passwords removed
 */
import type { AgentRecord } from './store/port';

export type Action =
  | 'login'
  | 'logout'
  /** A logout with force=true: the platform hangs up the agent's call first. */
  | 'force-logout'
  | 'keepalive'
  | 'get-agent'
  | 'state'
  | 'skills'
  | 'set-extension'
  | 'get-extension'
  | 'list-agents'
  | 'list-extensions';

export interface Route {
  action: Action;
  method: 'GET' | 'POST' | 'DELETE';
  /** The agent name or extension id in the path ('' for login and lists; login: from the body). */
  target: string;
  /** The canonical path below the platform base URL (segments re-encoded). */
  upstreamPath: string;
  /** The canonical query (only the parameters the route knows). */
  query: Record<string, string>;
}

/**
 * The body fields each POST route passes on (agent-api §3); the rest is dropped. What goes to the
 * platform is rebuilt from the body as checked here, never the text as received: a duplicate
 * key (JSON.parse keeps the last, another parser the first) or a key in another case (some
 * parsers match names loosely) would otherwise reach the platform unchecked.
 */
const BODY_FIELDS: Partial<Record<Action, readonly string[]>> = {
  login: ['name', 'num', 'state', 'skills', 'extension'],
  state: ['state'],
  skills: ['opts'],
  'set-extension': ['id'],
};

/** `body` with only the fields `action` passes on (undefined for routes without a body). */
function forwardedBody(action: Action, body: unknown): Record<string, unknown> | undefined {
  const fields = BODY_FIELDS[action];
  if (!fields || !isObject(body)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const field of fields) if (Object.hasOwn(body, field)) kept[field] = body[field];
  return kept;
}

export type Decision =
  /** `body`: what to send the platform for a POST (checked fields only), else undefined. */
  | { ok: true; route: Route; body: Record<string, unknown> | undefined }
  | { ok: false; status: 400 | 403 | 404 | 405; reason: string; action: string; target: string };

const enc = encodeURIComponent;

function segments(path: string): string[] | null {
  const parts = path.split('/').slice(1);
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
}

function pageQuery(query: URLSearchParams): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const key of ['pageNo', 'pageSize']) {
    const value = query.get(key);
    if (value === null) continue;
    if (!/^\d{1,6}$/.test(value)) return null;
    out[key] = value;
  }
  return out;
}

/** Matches the path to a route, without looking at who asks. */
export function matchRoute(
  method: string,
  path: string,
  query: URLSearchParams,
): { ok: true; route: Route } | { ok: false; status: 400 | 403 | 404 | 405; reason: string } {
  const parts = segments(path);
  if (!parts) return { ok: false, status: 400, reason: 'malformed percent-encoding in path' };
  if (parts[0] !== 'callcenter') return { ok: false, status: 403, reason: 'not an agent route' };
  const [, kind, id, sub, ...rest] = parts;
  if (rest.length) return { ok: false, status: 403, reason: 'not an agent route' };
  const allow = (
    m: Route['method'],
    action: Action,
    target: string,
    upstreamPath: string,
    q: Record<string, string> = {},
  ) =>
    method === m
      ? { ok: true as const, route: { action, method: m, target, upstreamPath, query: q } }
      : { ok: false as const, status: 405 as const, reason: `${method} not allowed here` };

  if (kind === 'agent') {
    if (id === undefined) {
      if (method === 'POST') return allow('POST', 'login', '', '/callcenter/agent');
      const page = pageQuery(query);
      if (!page) return { ok: false, status: 400, reason: 'pageNo/pageSize must be numbers' };
      return allow('GET', 'list-agents', '', '/callcenter/agent', page);
    }
    if (id === '') return { ok: false, status: 400, reason: 'empty agent name' };
    const base = `/callcenter/agent/${enc(id)}`;
    if (sub === undefined) {
      if (method === 'DELETE') {
        const force = query.get('force') ?? 'false';
        if (force !== 'true' && force !== 'false')
          return { ok: false, status: 400, reason: 'force must be true or false' };
        // Audited apart: a forced logout hangs up the agent's call, and whoever looks into a
        // customer cut off mid-call needs to see that the agent's desktop asked for it.
        return allow('DELETE', force === 'true' ? 'force-logout' : 'logout', id, base, { force });
      }
      return allow('GET', 'get-agent', id, base);
    }
    if (sub === 'keepalive') return allow('GET', 'keepalive', id, `${base}/keepalive`);
    if (sub === 'state') return allow('POST', 'state', id, `${base}/state`);
    if (sub === 'skills') return allow('POST', 'skills', id, `${base}/skills`);
    if (sub === 'extension') return allow('POST', 'set-extension', id, `${base}/extension`);
    return { ok: false, status: 403, reason: 'not an agent route' };
  }
  if (kind === 'extension' && sub === undefined) {
    if (id === undefined) {
      const page = pageQuery(query);
      if (!page) return { ok: false, status: 400, reason: 'pageNo/pageSize must be numbers' };
      return allow('GET', 'list-extensions', '', '/callcenter/extension', page);
    }
    if (id === '') return { ok: false, status: 400, reason: 'empty extension id' };
    return allow('GET', 'get-extension', id, `/callcenter/extension/${enc(id)}`);
  }
  return { ok: false, status: 403, reason: 'not an agent route' };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decides whether `agent` may make this request. `body` is the parsed JSON body (undefined for
 * GET/DELETE). The binding check of get-extension needs the platform and is done by the caller.
 */
export function authorize(route: Route, body: unknown, agent: AgentRecord): Decision {
  const deny = (reason: string, target = route.target): Decision => ({
    ok: false,
    status: 403,
    reason,
    action: route.action,
    target,
  });
  const bad = (reason: string): Decision => ({
    ok: false,
    status: 400,
    reason,
    action: route.action,
    target: route.target,
  });
  const needsBody = route.method === 'POST';
  if (needsBody && !isObject(body)) return bad('the body must be a JSON object');

  switch (route.action) {
    case 'login': {
      const b = body as Record<string, unknown>;
      const target = typeof b.name === 'string' ? b.name : '';
      if (target !== agent.name) return deny('an agent may sign in only as themselves', target);
      if (typeof b.extension !== 'string' || !agent.extensions.includes(b.extension)) {
        return deny('that extension is not assigned to this agent', target);
      }
      const skills = b.skills;
      if (
        skills !== undefined &&
        !(Array.isArray(skills) && skills.length === 0) &&
        !agent.allowSkills
      ) {
        return deny('this agent may not set their own skills', target);
      }
      return { ok: true, route: { ...route, target }, body: forwardedBody('login', body) };
    }
    case 'list-agents':
    case 'list-extensions':
      return { ok: true, route, body: undefined };
    case 'get-extension':
      if (!agent.extensions.includes(route.target))
        return deny('that extension is not assigned to this agent');
      return { ok: true, route, body: undefined };
    default:
      break;
  }
  if (route.target !== agent.name) return deny("another agent's session");
  if (route.action === 'skills' && !agent.allowSkills)
    return deny('this agent may not edit their own skills');
  if (route.action === 'set-extension') {
    const id = (body as Record<string, unknown>).id;
    if (typeof id !== 'string' || !agent.extensions.includes(id)) {
      return deny('that extension is not assigned to this agent');
    }
  }
  return { ok: true, route, body: forwardedBody(route.action, body) };
}
