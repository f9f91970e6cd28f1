/**
 * Request bodies and query parameters → typed requests, failing the way the platform's server
 * did: a body that is not JSON → 000002 (its message converter threw); JSON of the wrong shape or
 * types → 000001; a skills op whose `opt` is null or missing → 000002 (a NullPointerException
 * there); an unknown integer `opt`, or op 1/2 without a name, is skipped. Schemas are the shared ones in platform/dto.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import type { z } from 'zod';
import type { SkillOp } from '../shared/domain/agent';
import {
  CreateExtensionRequestSchema,
  LoginRequestSchema,
  SetExtensionRequestSchema,
  SetStateRequestSchema,
  WireSkillOpSchema,
  type CreateExtensionRequest,
  type LoginRequest,
} from '../shared/platform/dto';
import { fail, ok, type Result } from './results';

/** Parses a JSON body; empty or malformed → 000002. */
export function parseJson(body: string): Result<unknown> {
  if (body.trim() === '') return fail(PLATFORM_CODES.UNKNOWN);
  try {
    return ok(JSON.parse(body) as unknown);
  } catch {
    return fail(PLATFORM_CODES.UNKNOWN);
  }
}

/** Login body. */
export function parseLogin(body: string): Result<LoginRequest> {
  return parseWith(LoginRequestSchema, body);
}

/** Set-state body: the state string. */
export function parseSetState(body: string): Result<string> {
  const parsed = parseWith(SetStateRequestSchema, body);
  return parsed.code === PLATFORM_CODES.OK ? ok(parsed.data.state) : parsed;
}

/** Set-extension body: the extension id (blank → 000001). */
export function parseSetExtension(body: string): Result<string> {
  const parsed = parseWith(SetExtensionRequestSchema, body);
  return parsed.code === PLATFORM_CODES.OK ? ok(parsed.data.id) : parsed;
}

/** Create-extension body (type and patterns are the store's rules). */
export function parseCreateExtension(body: string): Result<CreateExtensionRequest> {
  return parseWith(CreateExtensionRequestSchema, body);
}

/**
 * Skills body `{opts: [...]}`. All ops are checked before any is applied, so a bad op leaves the
 * skills untouched. Unknown integer `opt` values and ops 1/2 without a name are dropped; the
 * store refuses a request in which no op counted.
 */
export function parseSkillOps(body: string): Result<SkillOp[]> {
  const json = parseJson(body);
  if (json.code !== PLATFORM_CODES.OK) return json;
  const value = json.data;
  if (!isObject(value) || !Array.isArray(value.opts) || value.opts.length === 0) {
    return fail(PLATFORM_CODES.BAD_PARAMETER);
  }
  const ops: SkillOp[] = [];
  for (const raw of value.opts as unknown[]) {
    if (raw === null) return fail(PLATFORM_CODES.UNKNOWN);
    if (!isObject(raw)) return fail(PLATFORM_CODES.BAD_PARAMETER);
    if (raw.opt === null || raw.opt === undefined) return fail(PLATFORM_CODES.UNKNOWN);
    if (typeof raw.opt !== 'number' || !Number.isInteger(raw.opt))
      return fail(PLATFORM_CODES.BAD_PARAMETER);
    if (raw.opt !== 0 && raw.opt !== 1 && raw.opt !== 2) continue;
    // An upsert or delete without a name is skipped; the rest of the request still applies.
    if (raw.opt !== 0 && (raw.name === undefined || raw.name === null || raw.name === '')) continue;
    const op = WireSkillOpSchema.safeParse(raw);
    if (!op.success) return fail(PLATFORM_CODES.BAD_PARAMETER);
    ops.push(op.data);
  }
  return ok(ops);
}

/** `force` query parameter as Spring reads a Boolean: true/false/1/0/yes/no/on/off. */
export function parseForce(query: URLSearchParams): Result<boolean> {
  const values = query.getAll('force');
  if (values.length === 0) return ok(false);
  if (values.length > 1) return fail(PLATFORM_CODES.BAD_PARAMETER);
  const text = (values[0] ?? '').toLowerCase();
  if (text === '' || text === 'false' || text === '0' || text === 'no' || text === 'off') {
    return ok(false);
  }
  if (text === 'true' || text === '1' || text === 'yes' || text === 'on') return ok(true);
  return fail(PLATFORM_CODES.BAD_PARAMETER);
}

function parseWith<S extends z.ZodType>(schema: S, body: string): Result<z.output<S>> {
  const json = parseJson(body);
  if (json.code !== PLATFORM_CODES.OK) return json;
  const parsed = schema.safeParse(json.data);
  return parsed.success ? ok(parsed.data) : fail(PLATFORM_CODES.BAD_PARAMETER);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
