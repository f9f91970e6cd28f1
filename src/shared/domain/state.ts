/**
 * The platform's agent state grammar: `<base>[/<reason>]` (docs/platform-api/agent-api.md §4).
 * Pure functions only; the emulator, the main process and the renderer all use these.
 */

/** Every base state the platform knows. */
export const BASE_STATES = ['online', 'idle', 'busy', 'away', 'fetching', 'talking'] as const;
export type BaseState = (typeof BASE_STATES)[number];

/** Base states that may carry a `/reason` extension. */
export const EXTENDABLE_STATES: readonly BaseState[] = ['busy', 'away', 'fetching', 'talking'];

/** Base states the platform drives during a call; the API cannot change them. */
export const CALL_STATES: readonly BaseState[] = ['fetching', 'talking'];

/** Longest reason the platform accepts (its document: "不超过256长度"). */
export const MAX_REASON_LENGTH = 256;

export interface ParsedState {
  base: BaseState;
  /** The extension after the first `/`, or null. */
  reason: string | null;
}

export type ReasonProblem = 'empty' | 'too-long' | 'empty-segment' | 'nul' | 'call-word';

export type StateProblem =
  | { kind: 'unknown-base'; base: string }
  | { kind: 'not-extendable'; base: BaseState }
  | { kind: 'bad-reason'; problem: ReasonProblem };

export type Parsed<T, E> = { ok: true; value: T } | { ok: false; error: E };

/**
 * Checks a reason as the platform requires: a POSIX-path-like string of at most 256 characters,
 * `/` separating levels, no empty level (so no leading, trailing or doubled `/`), no NUL.
 */
export function checkReason(reason: string): ReasonProblem | null {
  if (reason.length === 0) return 'empty';
  if (reason.length > MAX_REASON_LENGTH) return 'too-long';
  if (reason.includes('\0')) return 'nul';
  if (reason.split('/').some((segment) => segment.length === 0)) return 'empty-segment';
  return null;
}

/**
 * The platform tests "in a call" by substring: its server refuses a state change or a logout
 * without force (040203) while the state *contains* `fetching` or `talking` (agent-api §4 says
 * "while fetching/talking"; its source, `CallCenterAgentServiceImpl`, uses `contains`).
 */
export function platformSeesCall(state: string | null | undefined): boolean {
  return !!state && (state.includes('fetching') || state.includes('talking'));
}

/**
 * A reason an agent may use: the platform's grammar ({@link checkReason}), and neither call word
 * in it. The platform takes `busy/talking-to-supervisor`, then refuses every later change (and a
 * sign-out) as if the agent were in a call ({@link platformSeesCall}).
 */
export function checkAgentReason(reason: string): ReasonProblem | null {
  return checkReason(reason) ?? (platformSeesCall(reason) ? 'call-word' : null);
}

/** Parses `base[/reason]`; the reason is checked with {@link checkReason}. */
export function parseState(text: string): Parsed<ParsedState, StateProblem> {
  const slash = text.indexOf('/');
  const base = slash < 0 ? text : text.slice(0, slash);
  if (!isBaseState(base)) return { ok: false, error: { kind: 'unknown-base', base } };
  if (slash < 0) return { ok: true, value: { base, reason: null } };
  if (!EXTENDABLE_STATES.includes(base))
    return { ok: false, error: { kind: 'not-extendable', base } };
  const reason = text.slice(slash + 1);
  const problem = checkReason(reason);
  if (problem) return { ok: false, error: { kind: 'bad-reason', problem } };
  return { ok: true, value: { base, reason } };
}

/** Formats a parsed state back to the wire form. */
export function formatState(state: ParsedState): string {
  return state.reason === null ? state.base : `${state.base}/${state.reason}`;
}

export function isBaseState(text: string): text is BaseState {
  return (BASE_STATES as readonly string[]).includes(text);
}

/**
 * The base of a wire state, or null when it has none (e.g. the platform's `null`). Lenient on
 * purpose: a state the platform set (`talking/<anything>`) still has its base read correctly.
 */
export function baseOf(state: string | null | undefined): BaseState | null {
  if (!state) return null;
  const slash = state.indexOf('/');
  const base = slash < 0 ? state : state.slice(0, slash);
  return isBaseState(base) ? base : null;
}

/**
 * The states the app sets on the agent's behalf (the session's named holds), `<base>/system/<why>`:
 * the window and the tray show `<why>` in words (state-text.ts), not as sent.
 */
export const SYSTEM_STATES = {
  suspend: 'away/system/suspend',
  lock: 'away/system/lock',
  /** The window (audio, ringtone) died: not routable until it is back. */
  crash: 'busy/system/crash',
  /** Signed in again during a call: not routable until the call is over. */
  'in-call': 'busy/system/in-call',
} as const;
export type SystemReason = keyof typeof SYSTEM_STATES;

/** True for `fetching[/x]` and `talking[/x]`: the platform owns the state during a call. */
export function isCallState(state: string | null | undefined): boolean {
  const base = baseOf(state);
  return base !== null && CALL_STATES.includes(base);
}

/**
 * States the state-setting API accepts: `idle`, `busy[/reason]`, `away[/reason]`.
 * `online`, `fetching` and `talking` can never be set through it.
 */
export function checkSettableState(text: string): StateProblem | null {
  const parsed = parseState(text);
  if (!parsed.ok) return parsed.error;
  const { base } = parsed.value;
  if (base === 'idle' || base === 'busy' || base === 'away') return null;
  return { kind: 'not-extendable', base };
}

/**
 * States this desktop lets an agent choose: settable ({@link checkSettableState}), with a reason
 * the platform would not then read as a call ({@link checkAgentReason}).
 */
export function checkAgentState(text: string): StateProblem | null {
  const problem = checkSettableState(text);
  if (problem) return problem;
  const slash = text.indexOf('/');
  return slash >= 0 && platformSeesCall(text.slice(slash + 1))
    ? { kind: 'bad-reason', problem: 'call-word' }
    : null;
}

/** States login accepts as the initial state: `online` (the default) or a settable state. */
export function checkLoginState(text: string): StateProblem | null {
  return text === 'online' ? null : checkSettableState(text);
}

/**
 * Whether an agent in `current` may have its state changed through the API at all:
 * never while the platform is ringing it or it is talking.
 */
export function canChangeStateFrom(current: string | null | undefined): boolean {
  return !isCallState(current);
}

/** Only an agent whose state is exactly `idle` is offered queued work. */
export function isRoutableState(state: string | null | undefined): boolean {
  return state === 'idle';
}
