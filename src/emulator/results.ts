/**
 * The shape every store operation returns: the platform's own `{code, data}` pair, so the HTTP
 * layer only has to add `msg` (docs/platform-api/agent-api.md §2). Errors never carry data.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import type { PlatformCode } from '../shared/domain/errors';

/** Every platform code except success. */
export type FailCode = Exclude<PlatformCode, typeof PLATFORM_CODES.OK>;

export interface Ok<T> {
  code: typeof PLATFORM_CODES.OK;
  data: T;
}

export interface Fail {
  code: FailCode;
  data: null;
}

export type Result<T = null> = Ok<T> | Fail;

/** The success with no data that most agent operations answer. */
export const OK: Ok<null> = Object.freeze({ code: PLATFORM_CODES.OK, data: null });

/** A success carrying `data`. */
export function ok<T>(data: T): Ok<T> {
  return { code: PLATFORM_CODES.OK, data };
}

/** A platform error; `data` is always null. */
export function fail(code: FailCode): Fail {
  return { code, data: null };
}

/** Narrows a result to its failure. */
export function isFail<T>(result: Result<T>): result is Fail {
  return result.code !== PLATFORM_CODES.OK;
}
