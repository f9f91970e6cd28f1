/**
 * Every message in both languages compiles as vue-i18n reads it. `@` starts a linked message and
 * `|` a plural in its syntax: a URL such as `http://user@host` written as it is made the built
 * window's whole Settings screen fail to render ("SyntaxError: 10"), while unit tests passed.
 */
import { baseCompile } from '@intlify/message-compiler';
import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/src/i18n/en';
import zhCN from '../../src/renderer/src/i18n/zh-CN';
import { DAY_SETTINGS_EN, DAY_SETTINGS_ZH } from '../../src/renderer/src/i18n/day-settings';
import { SKILLS_EN, SKILLS_ZH } from '../../src/renderer/src/i18n/skills';
import { TEAM_EN, TEAM_ZH } from '../../src/renderer/src/i18n/team';

function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) yield* strings(inner, `${path}.${key}`);
}

describe('the window’s messages', () => {
  it.each([
    ['zh-CN', { ...zhCN, daySettings: DAY_SETTINGS_ZH, team: TEAM_ZH, skills: SKILLS_ZH }],
    ['en', { ...en, daySettings: DAY_SETTINGS_EN, team: TEAM_EN, skills: SKILLS_EN }],
  ])('%s: every message compiles', (_, messages) => {
    const broken: string[] = [];
    for (const [path, text] of strings(messages, '')) {
      baseCompile(text, { onError: (error) => void broken.push(`${path}: ${error.message}`) });
    }
    expect(broken).toEqual([]);
  });
});
