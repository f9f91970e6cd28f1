/** Agents and skills as the platform models them (docs/platform-api/agent-api.md §3). */

/** Agent names: at most 32 of `[A-Za-z0-9_]` (the platform's document; its server did not check). */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9_]{1,32}$/;
export const MAX_AGENT_NAME_LENGTH = 32;

export function isValidAgentName(name: string): boolean {
  return AGENT_NAME_PATTERN.test(name);
}

/** Job numbers (`num`) are digit strings, used by the platform to announce the agent. */
export const AGENT_NUM_PATTERN = /^[0-9]{1,32}$/;

export interface Skill {
  name: string;
  score: number;
  enabled: boolean;
}

/** One skills operation: 0 deletes all, 1 upserts by name, 2 deletes by name. */
export type SkillOp =
  | { opt: 0 }
  | { opt: 1; name: string; score?: number; enabled?: boolean }
  | { opt: 2; name: string };

export interface SkillOpsResult {
  skills: Skill[];
  /** How many operations counted (every op applied, even a no-op delete; 0 → refused). */
  effective: number;
}

/** A skill as given at login: missing score → 0, missing enabled → false. */
export function skillWithDefaults(input: {
  name: string;
  score?: number;
  enabled?: boolean;
}): Skill {
  return { name: input.name, score: input.score ?? 0, enabled: input.enabled ?? false };
}

/**
 * Applies skills operations in order, as the platform does. An upsert keeps the fields it does
 * not give; a new skill gets score 0 / enabled false unless given. Deleting a skill the agent does
 * not have has no effect. Pure: the input list is not modified.
 */
export function applySkillOps(skills: readonly Skill[], ops: readonly SkillOp[]): SkillOpsResult {
  let result = skills.map((s) => ({ ...s }));
  let effective = 0;
  for (const op of ops) {
    if (op.opt === 0) {
      result = [];
      effective++;
    } else if (op.opt === 1) {
      const existing = result.find((s) => s.name === op.name);
      if (existing) {
        if (op.score !== undefined) existing.score = op.score;
        if (op.enabled !== undefined) existing.enabled = op.enabled;
      } else {
        result.push(skillWithDefaults(op));
      }
      effective++;
    } else {
      result = result.filter((s) => s.name !== op.name);
      effective++;
    }
  }
  return { skills: result, effective };
}

/**
 * The most operations one skills edit may carry over IPC. The platform documents no limit on
 * `opts`; this only bounds a window's payload. With {@link diffSkills} an edit needs at most one
 * op more than the skills it leaves, so any list the window can show fits.
 */
export const MAX_SKILL_OPS = 5000;

/**
 * The longest skill name a window may send (sign-in, skills edits). The platform documents no
 * limit; this bounds a window's payload and leaves room for names made elsewhere than this
 * app (its editor creates names of at most 64 characters).
 */
export const MAX_SKILL_NAME_LENGTH = 128;

/**
 * One op per skill that differs: a delete for each skill `to` lacks, an upsert for each skill
 * that is new or changed. Never a clear-all: applied over skills added elsewhere, it keeps them.
 */
export function skillChanges(from: readonly Skill[], to: readonly Skill[]): SkillOp[] {
  const ops: SkillOp[] = [];
  const kept = new Set(to.map((s) => s.name));
  for (const old of from) if (!kept.has(old.name)) ops.push({ opt: 2, name: old.name });
  const before = new Map(from.map((s) => [s.name, s]));
  for (const skill of to) {
    const old = before.get(skill.name);
    if (!old || old.score !== skill.score || old.enabled !== skill.enabled) {
      ops.push({ opt: 1, name: skill.name, score: skill.score, enabled: skill.enabled });
    }
  }
  return ops;
}

/**
 * The shortest ordered list of operations that turns `from` into `to` (used by the skills
 * editor so one request carries the whole edit): one op per changed skill, or one clear-all
 * (`opt 0`) followed by an upsert per skill kept, whichever is shorter. Clearing everything is a
 * single `opt 0`.
 */
export function diffSkills(from: readonly Skill[], to: readonly Skill[]): SkillOp[] {
  if (to.length === 0) return from.length === 0 ? [] : [{ opt: 0 }];
  const each = skillChanges(from, to);
  if (each.length <= to.length + 1) return each;
  return [
    { opt: 0 },
    ...to.map((s): SkillOp => ({ opt: 1, name: s.name, score: s.score, enabled: s.enabled })),
  ];
}

/**
 * The ops that carry an edit (`base` → `draft`) onto the platform's list as it is now
 * (`current`): the agent's own changes applied over `current`, then the shortest ops to that.
 * A skill added, changed or removed elsewhere during the edit (a supervisor, another window)
 * keeps what was done to it unless the agent changed that same skill, even when the ops take
 * the clear-all form.
 */
export function skillEditOps(
  base: readonly Skill[],
  draft: readonly Skill[],
  current: readonly Skill[],
): SkillOp[] {
  // applySkillOps over the agent's changes, in one pass: the editor recomputes this on every
  // edit, and a long list edited by hand must not cost changes × skills.
  const deleted = new Set<string>();
  const upserts = new Map<string, Skill>();
  for (const op of skillChanges(base, draft)) {
    if (op.opt === 2) deleted.add(op.name);
    else if (op.opt === 1) upserts.set(op.name, skillWithDefaults(op));
  }
  const target = current.filter((s) => !deleted.has(s.name)).map((s) => upserts.get(s.name) ?? s);
  const had = new Set(current.map((s) => s.name));
  for (const [name, skill] of upserts) if (!had.has(name)) target.push(skill);
  return diffSkills(current, target);
}
