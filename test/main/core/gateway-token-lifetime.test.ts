/**
 * The gateway token's lifetime in main: it never outlives the agent's session (a refused
 * sign-in, a sign-out after the gateway URL was cleared), and never goes to a host other than
 * the gateway that issued it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore, type Core } from '../../../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { EXT, PASSWORDS, startRig, type Rig } from '../../gateway/helpers';

let rig: Rig;
let core: Core | null = null;
let elsewhere: Server;
let elsewhereOrigin: string;
let reachedElsewhere: string[];
let dir: string;
let file: string;

beforeEach(async () => {
  rig = await startRig({ ratePerSec: 0 });
  reachedElsewhere = [];
  elsewhere = createServer((req, res) => {
    reachedElsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  const address = elsewhere.address();
  elsewhereOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  dir = mkdtempSync(join(tmpdir(), 'zz-gw-'));
  file = join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ gatewayUrl: rig.gateway.origin }));
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: file,
    sipLine: null,
    logger: silentLogger,
    env: {},
  });
});
afterEach(async () => {
  await core?.shutdown(2_000);
  await rig.close();
  await new Promise((resolve) => elsewhere.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const liveSessions = (name: string) => rig.store.revokeAgentSessions(name);

describe('gateway token lifetime', () => {
  it('a sign-in refused after the password bought a token leaves no token behind, nor sends it elsewhere', async () => {
    // An agent the gateway's admin has assigned no extension yet (docs: supervisor_team_b).
    await rig.admin.add('carol', 'carol-pass-3', []);
    const signed = await core!.dispatch('session:sign-in', {
      name: 'carol',
      extension: '',
      password: 'carol-pass-3',
    });
    expect(signed.ok).toBe(false);
    expect(core!.snapshot().phase).toBe('signed-out');
    // The agent (or anyone at the desk) points Settings at another host and opens the team list.
    expect((await core!.dispatch('settings:update', { gatewayUrl: elsewhereOrigin })).ok).toBe(
      true,
    );
    await core!.dispatch('team:list', { pageNo: 1, pageSize: 20 });
    await core!.dispatch('extensions:list', { pageNo: 1, pageSize: 20 });
    const leaked = reachedElsewhere.filter((r) => /Bearer \S+/.test(r));
    expect(leaked, 'the gateway token went to another host').toEqual([]);
    expect(core!.platforms.gateway!.bearer(), 'token still held while signed out').toBeNull();
  });

  it('signing out after the gateway URL was cleared mid-session still revokes and forgets the token', async () => {
    const signed = await core!.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[0]!,
      initialState: 'idle',
      password: PASSWORDS.alice,
    });
    expect(signed.ok, JSON.stringify(signed)).toBe(true);
    // Settings → gateway URL cleared (direct mode named) while the session runs on its client.
    expect(
      (
        await core!.dispatch('settings:update', {
          gatewayUrl: null,
          platformBaseUrl: 'https://platform.invalid/v1/account/x',
        })
      ).ok,
    ).toBe(true);
    const out = await core!.dispatch('session:sign-out', { force: true });
    expect(out.ok, JSON.stringify(out)).toBe(true);
    const kept = core!.platforms.gateway!.bearer();
    expect(await liveSessions('alice'), 'gateway session outlives sign-out').toBe(0);
    expect(kept, 'token kept in memory after sign-out').toBeNull();
  });

  it('after a refused sign-in, nobody can sign in as that agent without the password', async () => {
    const refused = await core!.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[2]!, // bob's: the gateway refuses the login, alice's password was right
      initialState: 'idle',
      password: PASSWORDS.alice,
    });
    expect(refused.ok).toBe(false);
    // Someone else at the desk, no password typed.
    const noPassword = await core!.dispatch('session:sign-in', {
      name: 'alice',
      extension: EXT[0]!,
      initialState: 'idle',
    });
    expect(noPassword.ok, 'signed in as alice with no password').toBe(false);
  });
});
