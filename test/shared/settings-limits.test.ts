import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/shared/ipc/contract';
import { SETTINGS_LIMITS, SettingsPatchSchema, SettingsSchema } from '../../src/shared/settings';

const save = (patch: unknown) => COMMANDS['settings:update'].safeParse(patch).success;

describe('settings limits', () => {
  it('refuses a preset reason the platform would refuse, at save', () => {
    // Such a preset used to be saved and then silently left out of the tray menu.
    for (const reason of ['a//b', '/lead', 'trail/', '长'.repeat(257), '', 'nul\0']) {
      expect(save({ awayReasons: ['午餐', reason] })).toBe(false);
      expect(SettingsPatchSchema.safeParse({ busyReasons: [reason] }).success).toBe(false);
    }
    expect(save({ awayReasons: ['午餐', '维修单录入/加急'] })).toBe(true);
  });

  it('takes its numeric limits from the one table the form uses', () => {
    const { keepaliveSeconds, registerExpiresSeconds, maxReasons } = SETTINGS_LIMITS;
    const keepalive = SettingsSchema.shape.keepaliveSeconds;
    expect(keepalive.safeParse(keepaliveSeconds.min).success).toBe(true);
    expect(keepalive.safeParse(keepaliveSeconds.min - 1).success).toBe(false);
    expect(keepalive.safeParse(keepaliveSeconds.max).success).toBe(true);
    expect(keepalive.safeParse(keepaliveSeconds.max + 1).success).toBe(false);
    const expires = SettingsSchema.shape.registerExpiresSeconds;
    expect(expires.safeParse(registerExpiresSeconds.min - 1).success).toBe(false);
    expect(expires.safeParse(registerExpiresSeconds.max + 1).success).toBe(false);
    const many = Array.from({ length: maxReasons + 1 }, (_, i) => `r${i}`);
    expect(save({ busyReasons: many })).toBe(false);
    expect(save({ busyReasons: many.slice(1) })).toBe(true);
  });
});
