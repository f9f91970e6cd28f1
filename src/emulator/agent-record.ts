/** An agent as the store holds it, and the two views it gives out: the wire form and a status. */
import type { Skill } from '../shared/domain/agent';
import type { AgentDto } from '../shared/platform/dto';
import type { AgentStatus } from './agent-status';

export interface AgentRecord {
  name: string;
  num: string | null;
  state: string;
  /** Id of the bound extension; login requires one, so it is never null. */
  extension: string;
  skills: Skill[];
  /** Epoch ms of login or the last keepalive. */
  lastKeepalive: number;
  /** Epoch ms of the last state change. */
  stateSince: number;
  /** Set while a forced logout or a replacing login hangs up its call. */
  leaving: boolean;
}

/** An agent as the platform's server returns it (it also sends `subaccountId`). */
export type AgentWire = AgentDto & { subaccountId: string | null };

/** The wire form of an agent (a copy: callers cannot reach into the store). */
export function toWire(agent: AgentRecord): AgentWire {
  return {
    name: agent.name,
    num: agent.num,
    state: agent.state,
    extension: agent.extension,
    skills: agent.skills.map((s) => ({ ...s })),
    subaccountId: null,
  };
}

/** The status routing and the state dump need, at time `now`. */
export function toStatus(
  agent: AgentRecord,
  now: number,
  timeoutMs: number,
  extensionRegistered: boolean,
): AgentStatus {
  return {
    name: agent.name,
    num: agent.num,
    state: agent.state,
    extension: agent.extension,
    skills: agent.skills.map((s) => ({ ...s })),
    lastKeepaliveAt: agent.lastKeepalive,
    keepaliveAgeMs: now - agent.lastKeepalive,
    keepaliveFresh: now - agent.lastKeepalive < timeoutMs,
    extensionRegistered,
    stateSince: agent.stateSince,
    leaving: agent.leaving,
  };
}
