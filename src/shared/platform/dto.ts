/**
 * Wire types and schemas for every agent and extension endpoint (docs/platform-api/agent-api.md §2–§5).
 * Request schemas are strict about types (wrong types → 000001 on the platform); reply schemas
 * are lenient about extra fields and nulls, because the real platform sends both.
 */
import { z } from 'zod';
import { AGENT_NAME_PATTERN, MAX_SKILL_NAME_LENGTH } from '../domain/agent';

// ---------- envelope ----------

/** Every business reply: HTTP 200 with `{code, msg, data}`; `000000` is success. */
export const EnvelopeSchema = z.object({
  code: z.string(),
  msg: z.string().nullable().optional(),
  data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

// ---------- shared pieces ----------

export const SkillSchema = z.object({
  name: z.string(),
  score: z.number(),
  enabled: z.boolean(),
});

/** A skill in a login request as the platform takes it: name required, the rest defaulted. */
export const WireSkillInputSchema = z.object({
  name: z.string().trim().min(1),
  score: z.number().int().optional(),
  enabled: z.boolean().optional(),
});

/** A skill in the window's sign-in command: as on the wire, with a bounded name. */
export const SkillInputSchema = WireSkillInputSchema.extend({
  name: z.string().trim().min(1).max(MAX_SKILL_NAME_LENGTH),
});
export type SkillInput = z.infer<typeof SkillInputSchema>;

/**
 * A skill name in an op is sent exactly as given: the platform matches names as stored, so
 * `"vip "` can only be updated or deleted as `"vip "`. Only a blank name is refused.
 */
const notBlank = (name: string) => name.trim().length > 0;
const OpSkillName = z.string().refine(notBlank, 'blank skill name');

function skillOpSchema<N extends z.ZodTypeAny>(name: N) {
  return z.union([
    z.object({ opt: z.literal(0) }),
    z.object({
      opt: z.literal(1),
      name,
      score: z.number().int().optional(),
      enabled: z.boolean().optional(),
    }),
    z.object({ opt: z.literal(2), name }),
  ]);
}

/** One skills op as the platform takes it (the emulator reads requests with this). */
export const WireSkillOpSchema = skillOpSchema(OpSkillName);

/**
 * One skills op in the window's edit-skills command: a name longer than
 * {@link MAX_SKILL_NAME_LENGTH} is refused, so a window cannot hand main megabytes of name.
 */
export const SkillOpSchema = skillOpSchema(
  z.string().max(MAX_SKILL_NAME_LENGTH).refine(notBlank, 'blank skill name'),
);

// ---------- agent requests ----------

export const LoginRequestSchema = z.object({
  name: z.string().regex(AGENT_NAME_PATTERN),
  num: z.string().optional(),
  state: z.string().optional(),
  skills: z.array(WireSkillInputSchema).optional(),
  extension: z.string().trim().min(1),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const SetStateRequestSchema = z.object({ state: z.string().min(1) });
export type SetStateRequest = z.infer<typeof SetStateRequestSchema>;

export const SetExtensionRequestSchema = z.object({ id: z.string().trim().min(1) });
export type SetExtensionRequest = z.infer<typeof SetExtensionRequestSchema>;

export const SkillsRequestSchema = z.object({ opts: z.array(WireSkillOpSchema).min(1) });
export type SkillsRequest = z.infer<typeof SkillsRequestSchema>;

export interface PageQuery {
  pageNo: number;
  pageSize: number;
}

/** The platform's default page size, and the largest the client ever asks for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

// ---------- agent replies ----------

export const AgentSchema = z.object({
  name: z.string(),
  num: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  extension: z.string().nullable().optional(),
  skills: z.array(SkillSchema).nullable().optional(),
});
export type AgentDto = z.infer<typeof AgentSchema>;

/** The agent as the desktop holds it: nulls normalised. */
export interface Agent {
  name: string;
  num: string | null;
  state: string | null;
  extension: string | null;
  skills: { name: string; score: number; enabled: boolean }[];
}

export function normaliseAgent(dto: AgentDto): Agent {
  return {
    name: dto.name,
    num: dto.num ?? null,
    state: dto.state ?? null,
    extension: dto.extension ?? null,
    skills: dto.skills ?? [],
  };
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    pageSize: z.number(),
    startIndex: z.number(),
    totalCount: z.number(),
    totalPageCount: z.number(),
    currentPageNo: z.number(),
    result: z.array(item),
  });
}

export interface Page<T> {
  pageSize: number;
  startIndex: number;
  totalCount: number;
  totalPageCount: number;
  currentPageNo: number;
  result: T[];
}

/** Paging math as the platform does it: startIndex is 1-based, totalPageCount = ceil. */
export function pageOf<T>(all: readonly T[], pageNo: number, pageSize: number): Page<T> {
  const start = (pageNo - 1) * pageSize;
  return {
    pageSize,
    startIndex: start + 1,
    totalCount: all.length,
    totalPageCount: Math.ceil(all.length / pageSize),
    currentPageNo: pageNo,
    result: all.slice(start, start + pageSize),
  };
}

// ---------- extensions ----------

export const CreateExtensionRequestSchema = z.object({
  type: z.number().int(),
  user: z.string().optional(),
  password: z.string().optional(),
  ipaddr: z.string().optional(),
  telnum: z.string().optional(),
});
export type CreateExtensionRequest = z.infer<typeof CreateExtensionRequestSchema>;

export const ExtensionSchema = z.object({
  id: z.string(),
  type: z.union([z.string(), z.number()]).transform(String),
  user: z.string().nullable().optional(),
  password: z.string().nullable().optional(),
  ipaddr: z.string().nullable().optional(),
  telnum: z.string().nullable().optional(),
});
export type ExtensionDto = z.infer<typeof ExtensionSchema>;

/** An extension as the renderer may see it: never the SIP password. */
export interface ExtensionSummary {
  id: string;
  type: string;
  user: string | null;
}

export function summariseExtension(dto: ExtensionDto): ExtensionSummary {
  return { id: dto.id, type: dto.type, user: dto.user ?? null };
}
