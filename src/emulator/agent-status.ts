/**
 * What the rest of the emulator (the calls feature, the /emulator/state dump) may know about an
 * agent, and the one routing predicate of docs/platform-api/agent-api.md §4.
 */
import type { Skill } from '../shared/domain/agent';
import { isRoutableState } from '../shared/domain/state';

export interface AgentStatus {
  name: string;
  num: string | null;
  state: string;
  /** Id of the bound extension (login requires one, so never null here). */
  extension: string;
  skills: Skill[];
  /** Epoch ms (store clock) of login or the last keepalive. */
  lastKeepaliveAt: number;
  keepaliveAgeMs: number;
  /** False once the keepalive timeout has passed: the agent is "offline". */
  keepaliveFresh: boolean;
  /** The bound extension holds an unexpired SIP registration. */
  extensionRegistered: boolean;
  /** Epoch ms of the last state change (for "idle longest" routing). */
  stateSince: number;
  /** A forced logout or a replacing login is hanging up its call: offer it nothing. */
  leaving: boolean;
}

/**
 * Whether the platform may offer queued work to the agent: state exactly `idle`, keepalive
 * fresh, extension SIP-registered (and not on its way out).
 */
export function isRoutable(status: AgentStatus): boolean {
  return (
    isRoutableState(status.state) &&
    status.keepaliveFresh &&
    status.extensionRegistered &&
    !status.leaving
  );
}

/** Changes the store announces; keepalives are announced only when they revive an agent. */
export type StoreEvent =
  | { type: 'agent-login'; name: string }
  | { type: 'agent-logout'; name: string; reason: 'logout' | 'replaced' | 'reset' }
  | { type: 'agent-state'; name: string; state: string }
  | { type: 'agent-extension'; name: string; extension: string }
  | { type: 'agent-skills'; name: string }
  | { type: 'agent-revived'; name: string }
  | { type: 'registration'; extensionId: string; registered: boolean };
