/**
 * With no SIP WebSocket URL anywhere (settings, environment, platform), the SIP line cannot
 * start: the snapshot must call that a configuration problem, not a line that is retrying.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { describeError } from '../../../src/shared/domain/errors';
import { callReadiness } from '../../../src/shared/availability';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';

let core: Core | null = null;
afterEach(async () => core?.shutdown(2000));

describe('no SIP URL configured', () => {
  it('says it is a settings problem, not "retrying automatically"', async () => {
    core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      // The demo platform without its SIP side: nothing offers a SIP WebSocket URL.
      startEmbedded: async (logger) => ({ ...(await startDemoPlatform(logger)), sipWsUrl: null }),
      keepaliveMs: 500,
      logger: silentLogger,
      env: {},
    });
    const signed = await core.dispatch('session:sign-in', {
      name: 'no_sip',
      extension: DEMO_EXTENSIONS[0]!.id,
    });
    expect(signed.ok).toBe(true);
    await waitFor(() => core!.snapshot().sip.lastError !== null, 'the SIP line refused');
    const snapshot = core.snapshot();
    expect(snapshot.sip.lastError?.code).toBe('sip-not-configured');
    expect(snapshot.sip.nextRetryAt).toBeNull();
    for (const language of ['en', 'zh-CN'] as const) {
      const sentence = describeError(snapshot.sip.lastError!, language);
      expect(sentence).not.toMatch(/retrying|重试/i);
      expect(sentence).toMatch(/Settings|设置/);
    }
    expect(callReadiness(snapshot, 'ok')).toMatchObject({
      kind: 'trouble',
      trouble: 'sip-not-configured',
    });
  });
});
