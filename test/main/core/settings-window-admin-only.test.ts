/**
 * The window may not change the settings only an administrator sets (ADMIN_ONLY_SETTINGS): a page
 * that could choose the update server would have every desk install that server's program at
 * its next start; the platform's time zone decides whether any request is accepted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { ADMIN_ONLY_SETTINGS } from '../../../src/shared/settings-model';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { Core } from '../../../src/main/core/create-core';

let core: Core | null = null;
afterEach(async () => {
  await core?.shutdown(1_000);
  core = null;
});

const start = async () =>
  (core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    env: { AGENT_DESKTOP_PLATFORM_URL: 'https://api.example.com/v1/account/ACC' },
    sipLine: null,
    logger: silentLogger,
  }));

describe('settings only an administrator sets, sent from the window', () => {
  it('an update server from the window is refused, and nothing changes', async () => {
    const app = await start();
    const result = await app.dispatch('settings:update', {
      updateUrl: 'https://attacker.example/feed',
    });
    expect(result.ok ? 'accepted' : result.error.code).toBe('invalid-input');
    expect(app.settings().updateUrl).toBeNull();
  });

  it("the platform's time zone from the window is refused, with the rest of the patch", async () => {
    const app = await start();
    const result = await app.dispatch('settings:update', {
      platformTimeZone: 'America/New_York',
      keepaliveSeconds: 20,
    });
    expect(result.ok).toBe(false);
    expect(app.settings().platformTimeZone).toBe(DEFAULT_SETTINGS.platformTimeZone);
    expect(app.settings().keepaliveSeconds).toBe(DEFAULT_SETTINGS.keepaliveSeconds);
  });

  it('every admin-only setting is one', async () => {
    const app = await start();
    for (const key of ADMIN_ONLY_SETTINGS) {
      const result = await app.dispatch('settings:update', { [key]: DEFAULT_SETTINGS[key] });
      expect(result.ok, key).toBe(false);
    }
  });
});
