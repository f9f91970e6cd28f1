/**
 * Emulator-only controls under `/emulator/` — outside the account path, never signed, JSON in and
 * out. They exist for tests and demos; the real platform has nothing like them.
 *
 *   POST /emulator/reset
 *        Back to the initial data: no agents, the five demo extensions (when demo data is on), no
 *        request made slow.
 *        Configuration and SIP registrations of surviving extensions are kept.
 *        → 200 {"ok":true}
 *   GET  /emulator/state
 *        JSON dump: {config, agents[], extensions[]}. Each agent: name, num, state, extension,
 *        skills, keepaliveAgeSec, fresh, registered, routable, stateAgeSec, leaving. Each
 *        extension: id, user (SIP user), password, boundTo, registered, contact,
 *        registrationExpiresInSec.
 *   POST /emulator/config {keepaliveTimeoutSec?, timestampWindowSec?, lockWaitMs?,
 *                          callCenterService?}
 *        Changes settings at run time (callCenterService=false answers every business request
 *        with 010002). Unknown keys or bad values → 400. → 200 {"ok":true,"config":{...}}
 *   POST /emulator/agents/{name}/expire
 *        Makes the agent's keepalive stale now: it goes offline (not routable; its name may log in
 *        again). Unknown agent → 404.
 *   POST /emulator/agents/{name}/forget
 *        The platform loses the agent's state and extension (its Redis restarted or evicted
 *        them; the agent row stays): the agent is answered with `state: null, extension: null`
 *        and offered no calls until a state change and an extension change set them again;
 *        keepalive and logout still work. Unknown agent → 404.
 *   POST /emulator/agents/{name}/slow {ms}
 *        The agent's next platform request is applied, then holds the agent's lock `ms` (1–60000)
 *        longer before its reply, as on a platform under load: requests on the agent meanwhile
 *        are refused for the lock (000004; a logout 040203). Unknown agent → 404.
 *   POST /emulator/agents/{name}/state {state}
 *        Sets any well-formed state, as the platform's own routing does (e.g. "fetching",
 *        "talking/x") — what the calls feature will do; for tests of 040203 meanwhile.
 *   POST /emulator/extensions/{id}/registration {contact: string|null, expiresInSec?}
 *        Records (or, with null, removes) a SIP registration without a SIP client, e.g. to make
 *        an agent routable in a test. Unknown extension → 404.
 *   /emulator/calls…
 *        The call center's controls (queue, list, get, customer hang-up): calls/call-controls.ts.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { isRoutable } from './agent-status';
import type { AgentLock } from './agent-lock';
import type { CallCenter } from './calls/call-center';
import { handleCallControl } from './calls/call-controls';
import { decodeSegment, sendJson, sendText } from './http-io';
import type { PlatformStore } from './store';

export interface ServerSettings {
  /** Allowed distance between a request's Timestamp and the emulator's clock. */
  timestampWindowSec: number;
  /** The zone Timestamps are read in (IANA name; default Asia/Shanghai, the platform's). */
  platformTimeZone?: string;
  /**
   * How long a request waits for its agent's lock before it is refused (000004; a logout 040203).
   * 0, the default, is the platform's lock: refused at once.
   */
  lockWaitMs: number;
  /** False → every business request answers 010002 (no call-center service). */
  callCenterService: boolean;
}

export interface ControlContext {
  store: PlatformStore;
  /** The agents' locks: `slow` makes an agent's next request hold its lock longer. */
  lock: Pick<AgentLock, 'slowNext' | 'forgetSlow'>;
  settings: ServerSettings;
  accountId: string;
  auth: boolean;
  /** The call center, when the emulator runs one. */
  calls?: CallCenter;
}

const ConfigSchema = z.strictObject({
  keepaliveTimeoutSec: z
    .number()
    .positive()
    .max(86_400 * 365)
    .optional(),
  timestampWindowSec: z
    .number()
    .positive()
    .max(86_400 * 365)
    .optional(),
  lockWaitMs: z.number().int().min(0).max(600_000).optional(),
  callCenterService: z.boolean().optional(),
});
const StateSchema = z.strictObject({ state: z.string() });
const SlowSchema = z.strictObject({ ms: z.number().int().min(1).max(60_000) });
const RegistrationSchema = z.strictObject({
  contact: z.string().min(1).nullable(),
  expiresInSec: z.number().positive().optional(),
});

/** Answers one control request; `path` starts with `/emulator`. */
export function handleControl(
  ctx: ControlContext,
  method: string,
  path: string,
  body: string,
  res: ServerResponse,
): void {
  const segments = path.split('/').slice(2); // ['', 'emulator', ...]
  const [first, id, action, ...rest] = segments;
  const only = (allowed: string, run: () => void) => {
    if (method !== allowed) sendText(res, 405, 'method not allowed', { Allow: allowed });
    else run();
  };
  const json = <S extends z.ZodType>(schema: S, run: (value: z.output<S>) => void) => {
    let value: unknown = {};
    try {
      if (body.trim() !== '') value = JSON.parse(body) as unknown;
    } catch {
      return sendJson(res, 400, { ok: false, error: 'body is not JSON' });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) return sendJson(res, 400, { ok: false, error: parsed.error.message });
    run(parsed.data);
  };
  const unknown = (what: string) => sendJson(res, 404, { ok: false, error: `unknown ${what}` });
  const { store, settings } = ctx;

  if (segments.length === 1 && first === 'reset') {
    return only('POST', () => {
      store.reset();
      ctx.calls?.reset();
      ctx.lock.forgetSlow();
      sendJson(res, 200, { ok: true });
    });
  }
  if (segments.length === 1 && first === 'state') {
    return only('GET', () => sendJson(res, 200, stateDump(ctx)));
  }
  if (segments.length === 1 && first === 'config') {
    return only('POST', () =>
      json(ConfigSchema, (change) => {
        if (change.keepaliveTimeoutSec !== undefined) {
          store.setKeepaliveTimeout(change.keepaliveTimeoutSec);
        }
        if (change.timestampWindowSec !== undefined) {
          settings.timestampWindowSec = change.timestampWindowSec;
        }
        if (change.lockWaitMs !== undefined) settings.lockWaitMs = change.lockWaitMs;
        if (change.callCenterService !== undefined) {
          settings.callCenterService = change.callCenterService;
        }
        sendJson(res, 200, { ok: true, config: configDump(ctx) });
      }),
    );
  }
  if (first === 'calls' && ctx.calls) {
    return handleCallControl(ctx.calls, method, segments.slice(1), body, res);
  }
  if (first === 'agents' && id && rest.length === 0 && action === 'expire') {
    return only('POST', () => {
      if (!store.expire(decodeSegment(id))) return unknown('agent');
      sendJson(res, 200, { ok: true });
    });
  }
  if (first === 'agents' && id && rest.length === 0 && action === 'forget') {
    return only('POST', () => {
      if (!store.forget(decodeSegment(id))) return unknown('agent');
      sendJson(res, 200, { ok: true });
    });
  }
  if (first === 'agents' && id && rest.length === 0 && action === 'state') {
    return only('POST', () =>
      json(StateSchema, ({ state }) => {
        const result = store.forceState(decodeSegment(id), state);
        if (result.code === PLATFORM_CODES.AGENT_NOT_FOUND) return unknown('agent');
        if (result.code !== PLATFORM_CODES.OK)
          return sendJson(res, 400, { ok: false, error: 'bad state' });
        sendJson(res, 200, { ok: true });
      }),
    );
  }
  if (first === 'agents' && id && rest.length === 0 && action === 'slow') {
    return only('POST', () =>
      json(SlowSchema, ({ ms }) => {
        const name = decodeSegment(id);
        if (!store.agentStatus(name)) return unknown('agent');
        ctx.lock.slowNext(name, ms);
        sendJson(res, 200, { ok: true });
      }),
    );
  }
  if (first === 'extensions' && id && rest.length === 0 && action === 'registration') {
    return only('POST', () =>
      json(RegistrationSchema, ({ contact, expiresInSec }) => {
        const extensionId = decodeSegment(id);
        if (!store.extensionRecords().some((r) => r.id === extensionId)) {
          return unknown('extension');
        }
        const expiresAt =
          contact === null || expiresInSec === undefined ? null : store.now() + expiresInSec * 1000;
        store.setRegistration(extensionId, contact, expiresAt);
        sendJson(res, 200, { ok: true });
      }),
    );
  }
  sendText(res, 404, `no emulator control at ${path}`);
}

/** The configuration as /emulator/state and /emulator/config report it. */
export function configDump(ctx: ControlContext) {
  return {
    accountId: ctx.accountId,
    auth: ctx.auth,
    keepaliveTimeoutSec: ctx.store.keepaliveTimeoutSec,
    ...ctx.settings,
  };
}

/** Everything the emulator holds, for GET /emulator/state. */
export function stateDump(ctx: ControlContext) {
  const now = ctx.store.now();
  return {
    config: configDump(ctx),
    agents: ctx.store.agentStatuses().map((s) => ({
      name: s.name,
      num: s.num,
      // '' is what the platform lost (forget): null, as the API answers it.
      state: s.state || null,
      extension: s.extension || null,
      skills: s.skills,
      keepaliveAgeSec: s.keepaliveAgeMs / 1000,
      fresh: s.keepaliveFresh,
      registered: s.extensionRegistered,
      routable: isRoutable(s),
      stateAgeSec: (now - s.stateSince) / 1000,
      leaving: s.leaving,
    })),
    extensions: ctx.store.extensionRecords().map((r) => ({
      id: r.id,
      type: '1',
      user: r.sipUser,
      password: r.password,
      boundTo: r.boundTo,
      registered: ctx.store.isExtensionRegistered(r.id),
      contact: r.contact,
      registrationExpiresInSec: r.expiresAt === null ? null : (r.expiresAt - now) / 1000,
    })),
  };
}
