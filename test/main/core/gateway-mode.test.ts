/**
 * The desktop in gateway mode (issue 12), core against a real gateway and emulator: the agent
 * signs in with a password, the token stays in main (not in the snapshot or on disk), a
 * revoked token brings up the sign-in-again prompt while the session carries on, and signing
 * in again restores the chosen state even when the platform dropped the agent meanwhile.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore, type Core } from '../../../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { describeError } from '../../../src/shared/domain/errors';
import { EXT, PASSWORDS, startRig, type Rig } from '../../gateway/helpers';
import { waitFor } from '../../support/wait';

let rig: Rig;
let core: Core;
let dir: string;
let secrets: MemorySecretStore;

beforeEach(async () => {
  rig = await startRig({ ratePerSec: 0 });
  dir = mkdtempSync(join(tmpdir(), 'gw-desktop-'));
  secrets = new MemorySecretStore();
  core = await createDesktopCore({
    secrets,
    settingsFile: join(dir, 'settings.json'),
    env: { AGENT_DESKTOP_GATEWAY_URL: rig.gateway.origin },
    sipLine: null,
    keepaliveMs: 150,
    logger: silentLogger,
  });
});
afterEach(async () => {
  await core.shutdown(2000);
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop in gateway mode', () => {
  it('asks for the password, signs in through the gateway and keeps the token out of the snapshot', async () => {
    expect(core.snapshot().access).toEqual({ mode: 'gateway', signInNeeded: false });
    const without = await core.dispatch('session:sign-in', { name: 'alice', extension: EXT[0]! });
    expect(without.ok).toBe(false);
    const wrong = await core.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[0]!,
      password: 'nope',
    });
    // Said in the window's language (the gateway's own sentence kept for diagnostics).
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'wrong-password', detail: 'GW0401' });
    expect(!wrong.ok && wrong.error.message).toContain('GW0401');
    const signed = await core.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[0]!,
      initialState: 'idle',
      password: PASSWORDS.alice,
    });
    expect(signed.ok).toBe(true);
    expect(core.snapshot()).toMatchObject({ phase: 'signed-in', state: 'idle' });
    const token = core.platforms.gateway!.bearer()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(core.snapshot())).not.toContain(token);
    expect(JSON.stringify(core.snapshot())).not.toContain(PASSWORDS.alice);
    expect(rig.emulator.store.getAgent('alice').data).toMatchObject({
      state: 'idle',
      extension: EXT[0],
    });
  });

  it("says a locked-out or disabled agent as such, in the window's words", async () => {
    const signIn = (password: string) =>
      core.dispatch('session:sign-in', { name: 'bob', extension: EXT[2]!, password });
    // Wrong passwords until the gateway locks bob's sign-in at this address.
    let answer = await signIn('nope');
    for (let i = 0; i < 10 && !answer.ok && answer.error.code === 'wrong-password'; i++) {
      answer = await signIn('nope');
    }
    expect(!answer.ok && answer.error).toMatchObject({ code: 'sign-in-locked', detail: 'GW0423' });
    await rig.admin.unlock('bob');
    await rig.admin.unlockAddress('127.0.0.1');
    await rig.admin.setDisabled('bob', true);
    answer = await signIn(PASSWORDS.bob);
    expect(!answer.ok && answer.error).toMatchObject({ code: 'agent-disabled', detail: 'GW0403' });
    expect(core.snapshot().phase).toBe('signed-out');
  });

  it("says trouble behind the gateway at sign-in as the gateway's, not as the platform's", async () => {
    const signIn = () =>
      core.dispatch('session:sign-in', {
        name: 'alice',
        extension: EXT[0]!,
        password: PASSWORDS.alice,
      });
    // The platform cannot be reached from the gateway: the password was right, the login fails.
    await rig.emulator.close();
    const unreachable = await signIn();
    expect(!unreachable.ok && unreachable.error.code).toBe('gateway-trouble');
    expect(!unreachable.ok && unreachable.error.detail).toContain('GW0502');
    // The gateway's own database is away: its sign-in answers GW0503.
    const store = rig.store as unknown as Record<string, unknown>;
    const getAgent = store.getAgent;
    store.getAgent = async () => {
      throw new Error('connection refused');
    };
    const noDatabase = await signIn();
    store.getAgent = getAgent;
    expect(!noDatabase.ok && noDatabase.error).toMatchObject({
      code: 'gateway-trouble',
      detail: 'GW0503',
    });
    // What the agent reads: the gateway could not get through, try again; never "the platform
    // answered with an error, the app will retry" (sign-in is not retried).
    if (noDatabase.ok) throw new Error('signed in with the database away');
    const said = describeError(noDatabase.error, 'zh-CN');
    expect(said).toContain('座席网关');
    expect(said).toContain('请稍后重试');
    expect(core.snapshot().phase).toBe('signed-out');
  });

  it('prompts again when the token is revoked, and signing in again restores the chosen state', async () => {
    await core.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[0]!,
      password: PASSWORDS.alice,
    });
    expect((await core.dispatch('agent:set-state', { state: 'busy/会议' })).ok).toBe(true);
    await rig.admin.revokeSessions('alice');
    await waitFor(() => core.snapshot().access?.signInNeeded, 'sign-in-again prompt');
    expect(core.snapshot().phase).toBe('signed-in');
    // Meanwhile the platform forgets the agent (its keepalive lapsed).
    await rig.emulator.store.logout('alice', true);
    const wrong = await core.dispatch('session:reauthenticate', { password: 'nope' });
    expect(wrong.ok).toBe(false);
    expect(core.snapshot().access?.signInNeeded).toBe(true);
    const again = await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice });
    expect(again.ok).toBe(true);
    expect(core.snapshot().access?.signInNeeded).toBe(false);
    await waitFor(
      () => rig.emulator.store.getAgent('alice').data?.state === 'busy/会议',
      'chosen state restored',
    );
    await waitFor(
      () => core.snapshot().state === 'busy/会议' && core.snapshot().phase === 'signed-in',
      'snapshot',
    );
  });

  it('revokes the token on sign-out and never stores the account key', async () => {
    await core.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[0]!,
      password: PASSWORDS.alice,
    });
    const saved = await core.dispatch('settings:update', {
      secrets: { secretKey: 'should-not-stay' },
    });
    expect(saved.ok).toBe(true);
    await core.dispatch('settings:update', { gatewayUrl: rig.gateway.origin });
    expect(secrets.get('secretKey')).toBeNull();
    expect((await core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    expect(core.platforms.gateway!.bearer()).toBeNull();
    expect(await rig.store.revokeAgentSessions('alice')).toBe(0);
    const secret = rig.emulator.credentials!.secretKey;
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(PASSWORDS.alice);
    }
  });
});
