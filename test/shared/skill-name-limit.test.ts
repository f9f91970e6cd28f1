/**
 * Skill names a window sends are bounded (a window cannot hand main megabytes of name), while
 * names the platform holds and reads back — and the emulator, standing in for the platform —
 * are taken at any length.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SKILL_NAME_LENGTH } from '../../src/shared/domain/agent';
import { COMMANDS } from '../../src/shared/ipc/contract';
import { AgentSchema } from '../../src/shared/platform/dto';
import { parseLogin, parseSkillOps } from '../../src/emulator/requests';

const huge = 'x'.repeat(5_000_000);
const longest = 'x'.repeat(MAX_SKILL_NAME_LENGTH);
const tooLong = 'x'.repeat(MAX_SKILL_NAME_LENGTH + 1);
const editSkills = COMMANDS['agent:edit-skills'];
const signIn = COMMANDS['session:sign-in'];

describe('skill names from the window', () => {
  it('refuses a skills edit carrying a 5-million-character name', () => {
    expect(editSkills.safeParse({ opts: [{ opt: 2, name: huge }] }).success).toBe(false);
    expect(editSkills.safeParse({ opts: [{ opt: 1, name: huge, score: 1 }] }).success).toBe(false);
  });

  it('refuses a sign-in whose skills carry a 5-million-character name', () => {
    const profile = { name: 'agent_1', extension: 'ext-1', skills: [{ name: huge }] };
    expect(signIn.safeParse(profile).success).toBe(false);
  });

  it(`takes names up to ${MAX_SKILL_NAME_LENGTH} characters, refuses one more`, () => {
    expect(editSkills.safeParse({ opts: [{ opt: 2, name: longest }] }).success).toBe(true);
    expect(editSkills.safeParse({ opts: [{ opt: 2, name: tooLong }] }).success).toBe(false);
    const profile = (name: string) => ({ name: 'agent_1', extension: 'e', skills: [{ name }] });
    expect(signIn.safeParse(profile(longest)).success).toBe(true);
    expect(signIn.safeParse(profile(tooLong)).success).toBe(false);
  });

  it('still sends a name exactly as given, trailing space included', () => {
    expect(editSkills.parse({ opts: [{ opt: 2, name: 'vip ' }] }).opts).toEqual([
      { opt: 2, name: 'vip ' },
    ]);
  });
});

describe('skill names from the platform', () => {
  it('reads back an agent whose skill has a long name', () => {
    const agent = { name: 'a', state: 'idle', extension: 'e', skills: [] as unknown[] };
    agent.skills.push({ name: tooLong.repeat(10), score: 1, enabled: true });
    expect(AgentSchema.safeParse(agent).success).toBe(true);
  });

  it('the emulator (the platform) takes long names in skills edits and logins as before', () => {
    const ops = parseSkillOps(JSON.stringify({ opts: [{ opt: 2, name: tooLong }] }));
    expect(ops).toMatchObject({ code: '000000' });
    const login = parseLogin(
      JSON.stringify({ name: 'agent_1', extension: 'e', skills: [{ name: tooLong }] }),
    );
    expect(login).toMatchObject({ code: '000000' });
  });
});
