import { describe, expect, it } from 'vitest';
import {
  reasonChoices,
  rememberReason,
  RECENT_REASONS_KEPT,
  RECENT_REASONS_SHOWN,
} from '../../src/shared/domain/recent-reasons';

describe('recent reasons', () => {
  it('keeps the newest first, each once, at most the kept number', () => {
    let recent = { busy: [] as string[], away: [] as string[] };
    for (const r of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'b'])
      recent = rememberReason(recent, `busy/${r}`);
    expect(recent.busy).toEqual(['b', 'g', 'f', 'e', 'd', 'c']);
    expect(recent.busy).toHaveLength(RECENT_REASONS_KEPT);
    expect(rememberReason(recent, 'idle')).toBe(recent);
    expect(rememberReason(recent, 'away/午餐').away).toEqual(['午餐']);
  });

  it('offers recent first, then the presets not already offered, only valid reasons', () => {
    const choices = reasonChoices('busy', ['小休', 'a//b', '会议', '小休'], ['x', '小休', '/y']);
    expect(choices).toEqual({ recent: ['x', '小休'], presets: ['会议'] });
  });

  it('shows fewer than it keeps', () => {
    const recent = ['1', '2', '3', '4', '5', '6'];
    expect(reasonChoices('away', [], recent).recent).toHaveLength(RECENT_REASONS_SHOWN);
    expect(RECENT_REASONS_SHOWN).toBeLessThanOrEqual(RECENT_REASONS_KEPT);
  });
});
