import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AgentSchema,
  ExtensionSchema,
  normaliseAgent,
  pageOf,
  SkillOpSchema,
  summariseExtension,
} from '../../src/shared/platform/dto';

describe('pageOf', () => {
  const items = Array.from({ length: 25 }, (_, i) => i + 1);

  it('matches the platform example: 3 agents, page 1 of size 10', () => {
    expect(pageOf(['1003', '1002', '1001'], 1, 10)).toEqual({
      pageSize: 10,
      startIndex: 1,
      totalCount: 3,
      totalPageCount: 1,
      currentPageNo: 1,
      result: ['1003', '1002', '1001'],
    });
  });

  it('gives a short last page and a 1-based start index', () => {
    const page = pageOf(items, 3, 10);
    expect(page.startIndex).toBe(21);
    expect(page.totalPageCount).toBe(3);
    expect(page.result).toEqual([21, 22, 23, 24, 25]);
  });

  it('is empty past the end and for an empty list', () => {
    expect(pageOf(items, 4, 10)).toMatchObject({ startIndex: 31, totalPageCount: 3, result: [] });
    expect(pageOf([], 1, 20)).toMatchObject({
      startIndex: 1,
      totalCount: 0,
      totalPageCount: 0,
      result: [],
    });
  });

  it('pages cover the list exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 25 }),
        (all, pageSize) => {
          const first = pageOf(all, 1, pageSize);
          expect(first.totalPageCount).toBe(Math.ceil(all.length / pageSize));
          const joined: number[] = [];
          for (let no = 1; no <= first.totalPageCount; no++) {
            const page = pageOf(all, no, pageSize);
            expect(page.startIndex).toBe((no - 1) * pageSize + 1);
            expect(page.result.length).toBeLessThanOrEqual(pageSize);
            expect(page.result.length).toBeGreaterThan(0);
            joined.push(...page.result);
          }
          expect(joined).toEqual(all);
        },
      ),
    );
  });
});

describe('reply schemas', () => {
  it('normalises the nulls of the platform example agent', () => {
    const dto = AgentSchema.parse({
      name: '1001',
      num: '1002',
      state: null,
      extension: null,
      skills: null,
    });
    expect(normaliseAgent(dto)).toEqual({
      name: '1001',
      num: '1002',
      state: null,
      extension: null,
      skills: [],
    });
  });

  it('reads the extension type as a string and tolerates the platform typo telenum', () => {
    const dto = ExtensionSchema.parse({
      id: '40288aca586222110158622286590000',
      type: 1,
      user: '1000178541',
      password: '123456',
      ipaddr: null,
      telenum: null,
    });
    expect(dto.type).toBe('1');
    expect(summariseExtension(dto)).toEqual({
      id: '40288aca586222110158622286590000',
      type: '1',
      user: '1000178541',
    });
  });

  it('refuses an agent without a name or with wrong skill types', () => {
    expect(AgentSchema.safeParse({ num: '1' }).success).toBe(false);
    expect(AgentSchema.safeParse({ name: 'a', skills: [{ name: 'x', score: '9' }] }).success).toBe(
      false,
    );
  });
});

describe('skill ops', () => {
  it('sends an update or delete under the name exactly as the platform stores it', () => {
    expect(SkillOpSchema.parse({ opt: 2, name: 'vip ' })).toEqual({ opt: 2, name: 'vip ' });
    expect(SkillOpSchema.parse({ opt: 1, name: ' vip', score: 1 })).toEqual({
      opt: 1,
      name: ' vip',
      score: 1,
    });
  });

  it('refuses a blank name', () => {
    expect(SkillOpSchema.safeParse({ opt: 2, name: '   ' }).success).toBe(false);
    expect(SkillOpSchema.safeParse({ opt: 1, name: '' }).success).toBe(false);
  });
});
