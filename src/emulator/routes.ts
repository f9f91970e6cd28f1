/**
 * The platform's business routes under `/v1/account/{accountId}/callcenter/` (docs/platform-api/agent-api.md §3,
 * §5): which methods each path has, and the handler that turns a request into a store call.
 * Bodies are checked before the agent is looked up, as the platform does (a bad body on an
 * unknown agent is 000001, not 040202). Every agent-scoped handler runs under that agent's lock.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import { decodeSegment } from './http-io';
import { parsePageQuery } from './paging';
import type { AgentLock } from './agent-lock';
import {
  parseCreateExtension,
  parseForce,
  parseLogin,
  parseSetExtension,
  parseSetState,
  parseSkillOps,
} from './requests';
import { fail, type Result } from './results';
import type { PlatformStore } from './store';

export interface PlatformRequest {
  /** Decoded path parameters (agent name or extension id). */
  params: string[];
  /** Raw query string without `?`. */
  query: string;
  body: string;
}

export type Handler = (req: PlatformRequest) => Result<unknown> | Promise<Result<unknown>>;

/** Handlers by HTTP method for one path. */
export type MethodTable = Partial<Record<string, Handler>>;

export interface RouteMatch {
  methods: MethodTable;
  params: string[];
}

/** Builds the matcher for the segments after `/callcenter/`; null = no such path. */
export function platformRoutes(
  store: PlatformStore,
  lock: AgentLock,
): (segments: readonly string[]) => RouteMatch | null {
  // Refused for the agent's lock: `SystemBusyException` (000004), but a logout
  // `AgentIsBusyException` (040203), as if the agent were in a call.
  const busy = () => fail(PLATFORM_CODES.BUSY_LOCKED);
  const onAgent = <T>(
    name: string,
    task: () => Result<T> | Promise<Result<T>>,
    refused: () => Result<T> = busy,
  ) => lock.run<Result<T>>(name, task, refused);

  const agents: MethodTable = {
    GET: ({ query }) => {
      const page = parsePageQuery(new URLSearchParams(query));
      return page.code === PLATFORM_CODES.OK ? store.listAgents(page.data) : page;
    },
    POST: ({ body }) => {
      const req = parseLogin(body);
      return req.code === PLATFORM_CODES.OK
        ? onAgent(req.data.name, () => store.login(req.data))
        : req;
    },
  };
  const agent: MethodTable = {
    GET: ({ params: [name] }) => onAgent(name!, () => store.getAgent(name!)),
    DELETE: ({ params: [name], query }) => {
      const force = parseForce(new URLSearchParams(query));
      if (force.code !== PLATFORM_CODES.OK) return force;
      return onAgent(
        name!,
        () => store.logout(name!, force.data),
        () => fail(PLATFORM_CODES.AGENT_BUSY),
      );
    },
  };
  const keepalive: MethodTable = {
    GET: ({ params: [name] }) => onAgent(name!, () => store.keepalive(name!)),
  };
  const agentExtension: MethodTable = {
    POST: ({ params: [name], body }) => {
      const id = parseSetExtension(body);
      return id.code === PLATFORM_CODES.OK
        ? onAgent(name!, () => store.setExtension(name!, id.data))
        : id;
    },
  };
  const agentState: MethodTable = {
    POST: ({ params: [name], body }) => {
      const state = parseSetState(body);
      if (state.code !== PLATFORM_CODES.OK) return state;
      return onAgent(name!, () => store.setState(name!, state.data));
    },
  };
  const agentSkills: MethodTable = {
    POST: ({ params: [name], body }) => {
      const ops = parseSkillOps(body);
      return ops.code === PLATFORM_CODES.OK
        ? onAgent(name!, () => store.updateSkills(name!, ops.data))
        : ops;
    },
  };
  const extensions: MethodTable = {
    GET: ({ query }) => {
      const page = parsePageQuery(new URLSearchParams(query));
      return page.code === PLATFORM_CODES.OK ? store.listExtensions(page.data) : page;
    },
    POST: ({ body }) => {
      const req = parseCreateExtension(body);
      return req.code === PLATFORM_CODES.OK ? store.createExtension(req.data) : req;
    },
  };
  const extension: MethodTable = {
    GET: ({ params: [id] }) => store.getExtension(id!),
    DELETE: ({ params: [id] }) => store.deleteExtension(id!),
  };
  const agentSub: Record<string, MethodTable> = {
    keepalive,
    extension: agentExtension,
    state: agentState,
    skills: agentSkills,
  };

  return (segments) => {
    const [collection, param, sub, ...rest] = segments;
    if (rest.length > 0 || param === '' || sub === '') return null;
    if (collection === 'agent') {
      if (param === undefined) return { methods: agents, params: [] };
      const name = decodeSegment(param);
      if (sub === undefined) return { methods: agent, params: [name] };
      const methods = Object.hasOwn(agentSub, sub) ? agentSub[sub] : undefined;
      return methods ? { methods, params: [name] } : null;
    }
    if (collection === 'extension' && sub === undefined) {
      if (param === undefined) return { methods: extensions, params: [] };
      return { methods: extension, params: [decodeSegment(param)] };
    }
    return null;
  };
}
