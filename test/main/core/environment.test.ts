/**
 * The environment variables an administrator sets on a machine (README: Configuration): a value
 * the window itself would refuse stops the start with the variable named, instead of an agent
 * reading "cannot reach the platform; check the network" that never heals.
 */
import { describe, expect, it } from 'vitest';
import { AdminPolicy, EnvironmentError } from '../../../src/main/core/admin-policy';
import { autoAnswerDelayMs, createDesktopCore } from '../../../src/main/core/create-core';
import { readPolicy } from '../../../src/main/core/policy-file';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const start = (env: Record<string, string>, policyFile: string | null = null) =>
  createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    policyFile,
    env,
    sipLine: null,
    logger: silentLogger,
  });

describe('environment variables with values the app cannot use', () => {
  it('a URL without its scheme stops the start, naming the variable and what was expected', async () => {
    const error = await start({
      AGENT_DESKTOP_PLATFORM_URL: 'api.yunhuni.com/v1/account/ACC',
      AGENT_DESKTOP_GATEWAY_URL: 'gw.example.internal',
      AGENT_DESKTOP_SIP_WS_URL: 'https://sip.example.com/ws',
      AGENT_DESKTOP_SECRET_KEY: 'k'.repeat(300),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    const problems = (error as EnvironmentError).problems;
    expect(problems).toEqual([
      expect.stringMatching(
        /^AGENT_DESKTOP_PLATFORM_URL="api\.yunhuni\.com\/v1\/account\/ACC": .*expected e\.g\. https:\/\/api\.yunhuni\.com/,
      ),
      expect.stringMatching(/^AGENT_DESKTOP_SECRET_KEY: /),
      expect.stringMatching(/^AGENT_DESKTOP_SIP_WS_URL="https:.*expected e\.g\. wss:\/\//),
      expect.stringMatching(/^AGENT_DESKTOP_GATEWAY_URL="gw\.example\.internal": /),
    ]);
    // The secret's value is never repeated.
    expect((error as Error).message).not.toContain('kkkk');
  });

  it('good values start as before; a variable the policy overrides is not checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-env-'));
    try {
      const policy = join(dir, 'policy.json');
      writeFileSync(policy, JSON.stringify({ platformBaseUrl: 'https://policy.example.com/v1' }));
      const core = await start({ AGENT_DESKTOP_PLATFORM_URL: 'not a url' }, policy);
      expect(core.settings().platformBaseUrl).toBe('https://policy.example.com/v1');
      await core.shutdown(1_000);
      const direct = await start({
        AGENT_DESKTOP_PLATFORM_URL: 'https://env.example.com/v1/account/E',
        AGENT_DESKTOP_APP_ID: 'env-app',
      });
      expect(direct.settingsView().environment).toHaveLength(2);
      await direct.shutdown(1_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a forced auto-answer outside 0–10 s stops the start; a policy that fixes auto-answer wins', async () => {
    const error = await start({ AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '3s' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).problems).toEqual([
      'AGENT_DESKTOP_AUTO_ANSWER_SECONDS="3s": expected whole seconds from 0 to 10',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'agent-env-'));
    try {
      const policy = join(dir, 'policy.json');
      writeFileSync(policy, JSON.stringify({ autoAnswer: false }));
      const locked = new AdminPolicy(readPolicy(policy));
      const env = locked.environment({ AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '2' });
      expect(autoAnswerDelayMs(locked.effective(DEFAULT_SETTINGS), env)).toBeNull();
      const open = new AdminPolicy(null).environment({ AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '2' });
      expect(autoAnswerDelayMs(DEFAULT_SETTINGS, open)).toBe(2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a forced auto-answer shows in the settings the window reads, marked with its variable', async () => {
    // The window's "auto-answer is on" notice and its checkbox read the settings: they said off
    // while every call was answered after 2 s.
    const core = await start({
      AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '2',
      AGENT_DESKTOP_PLATFORM_URL: 'https://env.example.com/v1/account/E',
    });
    try {
      const view = core.settingsView();
      expect(view.settings).toMatchObject({ autoAnswer: true, autoAnswerDelaySeconds: 2 });
      expect((view.environment ?? []).filter((o) => o.key.startsWith('autoAnswer'))).toEqual([
        { key: 'autoAnswer', variable: 'AGENT_DESKTOP_AUTO_ANSWER_SECONDS', value: '2' },
        {
          key: 'autoAnswerDelaySeconds',
          variable: 'AGENT_DESKTOP_AUTO_ANSWER_SECONDS',
          value: '2',
        },
      ]);
    } finally {
      await core.shutdown(1_000);
    }
  });
});

describe('environment variables set but empty', () => {
  it('are taken as not set: the settings the agent configured stand, and the start goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-env-'));
    const settingsFile = join(dir, 'settings.json');
    writeFileSync(
      settingsFile,
      JSON.stringify({
        platformBaseUrl: 'https://platform.example.com/v1/account/ACC',
        appId: 'app-1',
        certId: 'cert-1',
      }),
    );
    const core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile,
      env: {
        AGENT_DESKTOP_PLATFORM_URL: '',
        AGENT_DESKTOP_APP_ID: ' ',
        AGENT_DESKTOP_CERT_ID: '',
        AGENT_DESKTOP_SIP_WS_URL: '',
        AGENT_DESKTOP_GATEWAY_URL: '',
        AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '',
      },
      sipLine: null,
      logger: silentLogger,
    });
    try {
      expect(core.settingsView().environment).toEqual([]);
      // The platform the agent configured, with their ids: not '' from the variables.
      expect(core.platforms.target().url).toBe('https://platform.example.com/v1/account/ACC');
      expect(core.platforms.mode()).toBe('direct');
    } finally {
      await core.shutdown(1000);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the rule itself: empty and blank values are dropped, set ones kept', () => {
    const env = new AdminPolicy(null).environment({
      AGENT_DESKTOP_SIP_WS_URL: '',
      AGENT_DESKTOP_APP_ID: '  ',
      AGENT_DESKTOP_CERT_ID: 'cert-9',
      PATH: '',
    });
    expect(env).toEqual({ AGENT_DESKTOP_CERT_ID: 'cert-9', PATH: '' });
  });
});
