/**
 * What the window (or a hand-edited file) may store is bounded: a per-agent wrap-up table goes
 * into settings.json, every settings push to the window and the diagnostics bundle.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/shared/ipc/contract';
import { SETTINGS_LIMITS } from '../../src/shared/settings-model';

const table = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`agent_${i}`, 30]));

describe('the per-agent wrap-up table', () => {
  it('takes a floor of agents', () => {
    const patch = { wrapUpSecondsByAgent: table(SETTINGS_LIMITS.wrapUpAgents) };
    expect(COMMANDS['settings:update'].safeParse(patch).success).toBe(true);
  });

  it('refuses an unbounded table, saying how many it takes', () => {
    const parsed = COMMANDS['settings:update'].safeParse({
      wrapUpSecondsByAgent: table(SETTINGS_LIMITS.wrapUpAgents + 1),
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(String(SETTINGS_LIMITS.wrapUpAgents));
  });
});
