/**
 * The shape every store operation returns: the platform's own `{code, data}` pair, so the HTTP
 * layer only has to add `msg` (docs/platform-api/agent-api.md §2). Errors never carry data.
 */
import type { PlatformCode } from '../shared/domain/errors';

/** Every platform code except success. */
export type FailCode = Exclude<PlatformCode, '000000'>;

export interface Ok<T> {
  code: '000000';
  data: T;
}

export interface Fail {
  code: FailCode;
  data: null;
}

export type Result<T = null> = Ok<T> | Fail;

/** The success with no data that most agent operations answer. */
export const OK: Ok<null> = Object.freeze({ code: '000000', data: null });

/** A success carrying `data`. */
export function ok<T>(data: T): Ok<T> {
  return { code: '000000', data };
}

/** A platform error; `data` is always null. */
export function fail(code: FailCode): Fail {
  return { code, data: null };
}

/** Narrows a result to its failure. */
export function isFail<T>(result: Result<T>): result is Fail {
  return result.code !== '000000';
}
