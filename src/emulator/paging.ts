/**
 * Paging rules for the two list endpoints, as the platform's server applied them: pageNo and
 * pageSize are Java Integers (non-numeric, overflowing or < 1 → 000001) and a page larger than
 * 1000 made the server fail (000002). The math itself is pageOf in the shared DTOs.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageQuery } from '../shared/platform/dto';
import { fail, ok, type Fail, type Result } from './results';

const JAVA_INT_MAX = 2_147_483_647;

/** Refuses a page the platform refuses; null when the page may be served. */
export function checkPage(page: PageQuery): Fail | null {
  const { pageNo, pageSize } = page;
  if (!Number.isInteger(pageNo) || !Number.isInteger(pageSize))
    return fail(PLATFORM_CODES.BAD_PARAMETER);
  if (pageNo < 1 || pageSize < 1) return fail(PLATFORM_CODES.BAD_PARAMETER);
  if (pageSize > MAX_PAGE_SIZE) return fail(PLATFORM_CODES.UNKNOWN);
  return null;
}

/**
 * Reads pageNo/pageSize from a query string. Absent or empty → the defaults (1, 20), as Spring's
 * defaultValue does; repeated, signed, fractional or non-digit values → 000001.
 */
export function parsePageQuery(query: URLSearchParams): Result<PageQuery> {
  const pageNo = intParam(query, 'pageNo', 1);
  const pageSize = intParam(query, 'pageSize', DEFAULT_PAGE_SIZE);
  if (pageNo === null || pageSize === null) return fail(PLATFORM_CODES.BAD_PARAMETER);
  return ok({ pageNo, pageSize });
}

function intParam(query: URLSearchParams, name: string, fallback: number): number | null {
  const values = query.getAll(name);
  if (values.length === 0) return fallback;
  if (values.length > 1) return null;
  const text = values[0] ?? '';
  if (text === '') return fallback;
  if (!/^[0-9]{1,10}$/.test(text)) return null;
  const value = Number(text);
  return value > JAVA_INT_MAX ? null : value;
}
