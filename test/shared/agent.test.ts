import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applySkillOps,
  diffSkills,
  isValidAgentName,
  MAX_AGENT_NAME_LENGTH,
  MAX_SKILL_OPS,
  skillChanges,
  skillWithDefaults,
} from '../../src/shared/domain/agent';
import type { Skill, SkillOp } from '../../src/shared/domain/agent';

describe('agent names', () => {
  it('accepts up to 32 letters, digits and underscores', () => {
    expect(MAX_AGENT_NAME_LENGTH).toBe(32);
    expect(isValidAgentName('a'.repeat(32))).toBe(true);
    expect(isValidAgentName('Agent_007')).toBe(true);
    expect(isValidAgentName('1001')).toBe(true);
  });

  it.each(['', 'a'.repeat(33), 'a-b', 'a b', 'a.b', '座席', 'a\n', 'ä'])('refuses %j', (name) => {
    expect(isValidAgentName(name)).toBe(false);
  });

  it('accepts a string exactly when every character is allowed and the length is 1..32', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const expected = name.length >= 1 && name.length <= 32 && /^[A-Za-z0-9_]*$/.test(name);
        expect(isValidAgentName(name)).toBe(expected);
      }),
    );
  });
});

const complaint = (score: number, enabled: boolean): Skill => ({ name: '投诉', score, enabled });

describe('applySkillOps', () => {
  const start: Skill[] = [complaint(80, true), { name: '洗衣机', score: 70, enabled: true }];

  it('platform example 1: raise 投诉 to 95, then delete 洗衣机', () => {
    const ops: SkillOp[] = [
      { opt: 1, name: '投诉', score: 95, enabled: true },
      { opt: 2, name: '洗衣机' },
    ];
    expect(applySkillOps(start, ops)).toEqual({ skills: [complaint(95, true)], effective: 2 });
  });

  it('platform example 2: delete all', () => {
    expect(applySkillOps(start, [{ opt: 0 }])).toEqual({ skills: [], effective: 1 });
  });

  it('platform example 3: disable 投诉 keeps its score', () => {
    expect(applySkillOps(start, [{ opt: 1, name: '投诉', enabled: false }]).skills).toEqual([
      complaint(80, false),
      start[1],
    ]);
  });

  it('platform example 4: clear, then create 投诉 with 60', () => {
    const ops: SkillOp[] = [{ opt: 0 }, { opt: 1, name: '投诉', score: 60, enabled: true }];
    expect(applySkillOps(start, ops)).toEqual({ skills: [complaint(60, true)], effective: 2 });
  });

  it('the request example: deleting a missing 手机 changes nothing, both ops count', () => {
    const ops: SkillOp[] = [
      { opt: 2, name: '手机' },
      { opt: 1, name: '投诉', score: 50, enabled: true },
    ];
    expect(applySkillOps(start, ops)).toEqual({
      skills: [complaint(50, true), start[1]],
      effective: 2,
    });
  });

  it('applies operations in order', () => {
    // Upsert then delete: gone.
    expect(
      applySkillOps(start, [
        { opt: 1, name: '投诉', score: 1 },
        { opt: 2, name: '投诉' },
      ]).skills.map((s) => s.name),
    ).toEqual(['洗衣机']);
    // Delete then upsert: a new skill with defaults, not the old fields.
    expect(
      applySkillOps(start, [
        { opt: 2, name: '投诉' },
        { opt: 1, name: '投诉', score: 5 },
      ]).skills,
    ).toEqual([start[1], complaint(5, false)]);
    // Upsert then clear: nothing.
    expect(applySkillOps(start, [{ opt: 1, name: 'x' }, { opt: 0 }]).skills).toEqual([]);
  });

  it('an upsert keeps the fields it does not give', () => {
    expect(applySkillOps(start, [{ opt: 1, name: '投诉', score: 10 }]).skills[0]).toEqual(
      complaint(10, true),
    );
    expect(applySkillOps(start, [{ opt: 1, name: '投诉' }]).skills[0]).toEqual(complaint(80, true));
  });

  it('a new skill gets score 0 and enabled false unless given', () => {
    expect(applySkillOps([], [{ opt: 1, name: '建议' }]).skills).toEqual([
      { name: '建议', score: 0, enabled: false },
    ]);
    expect(applySkillOps([], [{ opt: 1, name: '建议', enabled: true }]).skills).toEqual([
      { name: '建议', score: 0, enabled: true },
    ]);
    expect(skillWithDefaults({ name: 'a', score: 3 })).toEqual({
      name: 'a',
      score: 3,
      enabled: false,
    });
  });

  it('deleting a skill the agent lacks changes nothing but counts as an op', () => {
    expect(applySkillOps(start, [{ opt: 2, name: '手机' }])).toEqual({
      skills: start,
      effective: 1,
    });
    expect(applySkillOps([], [{ opt: 2, name: '手机' }]).effective).toBe(1);
    expect(applySkillOps(start, []).effective).toBe(0);
  });

  it('does not modify its input', () => {
    const input = [complaint(80, true)];
    applySkillOps(input, [{ opt: 1, name: '投诉', score: 1, enabled: false }, { opt: 0 }]);
    expect(input).toEqual([complaint(80, true)]);
  });
});

/** Skill lists with unique names from a small pool, so `from` and `to` overlap often. */
const skills = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom('投诉', '建议', '联想笔记本', 'a', 'b', 'c'),
    score: fc.integer({ min: 0, max: 100 }),
    enabled: fc.boolean(),
  }),
  { selector: (s) => s.name, maxLength: 6 },
);

const byName = (list: readonly Skill[]) => [...list].sort((x, y) => x.name.localeCompare(y.name));

describe('diffSkills', () => {
  it('turns from into to (as a set)', () => {
    fc.assert(
      fc.property(skills, skills, (from, to) => {
        const result = applySkillOps(from, diffSkills(from, to));
        expect(byName(result.skills)).toEqual(byName(to));
      }),
    );
  });

  it('sends only operations that take effect, so the platform never answers 000001', () => {
    fc.assert(
      fc.property(skills, skills, (from, to) => {
        const ops = diffSkills(from, to);
        expect(applySkillOps(from, ops).effective).toBe(ops.length);
      }),
    );
  });

  it('is empty when nothing changes, and one opt 0 when everything goes', () => {
    fc.assert(
      fc.property(skills, (list) => {
        expect(diffSkills(list, [...list].reverse())).toEqual([]);
      }),
    );
    expect(diffSkills([complaint(1, true), { name: 'a', score: 2, enabled: false }], [])).toEqual([
      { opt: 0 },
    ]);
    expect(diffSkills([], [])).toEqual([]);
  });

  it('changes a score with one upsert and removes a skill with one delete', () => {
    expect(diffSkills([complaint(80, true)], [complaint(90, true)])).toEqual([
      { opt: 1, name: '投诉', score: 90, enabled: true },
    ]);
    expect(
      diffSkills(
        [complaint(80, true), { name: 'a', score: 1, enabled: true }],
        [complaint(80, true)],
      ),
    ).toEqual([{ opt: 2, name: 'a' }]);
  });
});

describe('diffSkills on long lists', () => {
  const named = (n: number, score = 1): Skill[] =>
    Array.from({ length: n }, (_, i) => ({ name: `skill_${i}`, score, enabled: true }));

  it('never needs more than one op beyond the skills it keeps', () => {
    fc.assert(
      fc.property(skills, skills, (from, to) => {
        expect(diffSkills(from, to).length).toBeLessThanOrEqual(to.length + 1);
      }),
    );
  });

  it('clears all and re-adds the kept skills when that is shorter than a delete per skill', () => {
    const from = named(250);
    const to = from.slice(201);
    const ops = diffSkills(from, to);
    expect(ops).toHaveLength(50);
    expect(ops[0]).toEqual({ opt: 0 });
    expect(applySkillOps(from, ops).skills).toEqual(to);
    expect(ops.length).toBeLessThanOrEqual(MAX_SKILL_OPS);
  });

  it('keeps one op per change when that is as short', () => {
    const from = named(250);
    const to = [...from.slice(1, 200), { name: 'skill_200', score: 2, enabled: true }];
    expect(diffSkills(from, to)).toEqual(skillChanges(from, to));
  });
});

describe('skillChanges', () => {
  it('never clears all: skills it was not told about stay', () => {
    const ops = skillChanges([complaint(80, true)], []);
    expect(ops).toEqual([{ opt: 2, name: '投诉' }]);
    const other = { name: 'vip', score: 7, enabled: true };
    expect(applySkillOps([complaint(80, true), other], ops).skills).toEqual([other]);
  });
});
