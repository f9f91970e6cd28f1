/**
 * Platform codes are named (PLATFORM_CODES.X) everywhere in src/ except the error table itself;
 * the lint rule keeps it so. A probe with a raw code must be refused, the table must not be.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('platform code literals', () => {
  it.each([
    ['src/main/core/probe.ts', "export const lost = (code: string) => code === '040202';\n"],
    ['src/emulator/probe.ts', 'export const busy = `000004`;\n'],
    ['src/lib/platform/probe.ts', "export type Ok = { code: '000000' };\n"],
  ])(
    'are refused in %s',
    async (file, code) => {
      expect(await problems(code, file)).toContain('no-restricted-syntax');
    },
    30_000,
  );

  it('are allowed in the error table, and names pass everywhere', async () => {
    expect(
      await problems(
        "export const X = { OK: '000000' } as const;\n",
        'src/shared/domain/errors.ts',
      ),
    ).not.toContain('no-restricted-syntax');
    expect(
      await problems(
        "import { PLATFORM_CODES } from '../../shared/domain/errors';\nexport const lost = (code: string) => code === PLATFORM_CODES.AGENT_NOT_FOUND;\n",
        'src/main/core/probe.ts',
      ),
    ).not.toContain('no-restricted-syntax');
  }, 30_000);
});
