/**
 * The session's pure rules: what a profile must satisfy before sign-in, how it becomes a login
 * request, which errors are transient, and the states the app sets on an agent's behalf.
 */
import { AGENT_NUM_PATTERN, isValidAgentName } from '../../shared/domain/agent';
import { appError, PLATFORM_CODES } from '../../shared/domain/errors';
import { checkAgentState, isCallState, SYSTEM_STATES } from '../../shared/domain/state';
import type { AppError } from '../../shared/domain/errors';
import type { StateProblem } from '../../shared/domain/state';
import type { LoginRequest } from '../../shared/platform/dto';
import type { SignInProfile, SystemHold } from '../../shared/snapshot';

/** The states the app holds an agent in on their behalf, per hold (crash-hold.ts, session.ts). */
export const SYSTEM_HOLD_STATES: Record<
  Extract<SystemHold, 'suspend' | 'lock' | 'crash' | 'in-call'>,
  string
> = SYSTEM_STATES;

/** Errors that say "could not reach or read the platform" rather than "the platform refused". */
export function isTransient(error: AppError): boolean {
  return (
    error.code === 'transport' ||
    error.code === 'http-error' ||
    error.code === 'gateway-trouble' ||
    error.code === 'timeout' ||
    error.code === 'malformed-reply' ||
    error.code === PLATFORM_CODES.UNKNOWN ||
    error.code === PLATFORM_CODES.BUSY_LOCKED
  );
}

export function loginRequest(profile: SignInProfile, state: string): LoginRequest {
  const request: LoginRequest = { name: profile.name, extension: profile.extension, state };
  if (profile.num) request.num = profile.num;
  if (profile.skills?.length) request.skills = profile.skills;
  return request;
}

export function checkProfile(profile: SignInProfile): AppError | null {
  if (!isValidAgentName(profile.name)) {
    return appError('invalid-input', profile.name, 'name: at most 32 letters, digits or _');
  }
  if (!profile.extension.trim()) return appError('invalid-input', undefined, 'extension: required');
  if (profile.num !== undefined && profile.num !== '' && !AGENT_NUM_PATTERN.test(profile.num)) {
    return appError('invalid-input', profile.num, 'num: digits only');
  }
  const initial = profile.initialState;
  const problem = initial && initial !== 'online' ? checkAgentState(initial) : null;
  return problem
    ? appError('invalid-input', profile.initialState, describeStateProblem(problem))
    : null;
}

/** A short English description of why a state string is refused (detail for the error). */
export function describeStateProblem(problem: StateProblem): string {
  switch (problem.kind) {
    case 'unknown-base':
      return `state: unknown state "${problem.base}"`;
    case 'not-extendable':
      return `state: "${problem.base}" cannot be chosen here`;
    case 'bad-reason':
      return `reason: ${problem.problem}`;
  }
}

/**
 * True when the platform shows the agent moved between two non-call states that this desktop
 * did not ask for (`ours`: what it last asked for and what the agent chose). The platform moves
 * an agent on its own only into a call and back out of one (agent-api §4), so such a move was
 * made elsewhere: a takeover clue.
 */
export function isMovedElsewhere(
  shown: string | null,
  platform: string | null,
  ours: readonly (string | null)[],
): boolean {
  if (!shown || !platform || shown === platform || ours.includes(platform)) return false;
  return !isCallState(shown) && !isCallState(platform);
}
