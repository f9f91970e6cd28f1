/**
 * The agent's gateway token belongs to the gateway that issued it and to the agent signed in
 * with it: changing the gateway address in Settings mid-session, a second sign-in, or a late
 * 401 to a request sent with an older token must not send it (or the password) elsewhere, leave
 * it unrevoked, or replace the running session's token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core/create-core';
import { GatewayAccess } from '../../../src/main/core/gateway-access';
import { silentLogger } from '../../../src/lib/ports';
import { EXT, PASSWORDS, startRig, type Rig } from '../../gateway/helpers';
import { gatewayCoreSignedIn } from './support/gateway-core';

let rig: Rig;
let core: Core;
/** Another gateway address: records what reaches it and answers nothing useful. */
let elsewhere: Server;
let elsewhereOrigin: string;
let reachedElsewhere: string[];
let dir: string;

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
  // The gateway's address comes from Settings (as an agent or IT sets it), not the environment.
  dir = mkdtempSync(join(tmpdir(), 'gw-home-'));
  const file = join(dir, 'settings.json');
  writeFileSync(file, JSON.stringify({ gatewayUrl: rig.gateway.origin }));
  // An empty variable leaves the address to Settings.
  core = await gatewayCoreSignedIn(rig, {
    settingsFile: file,
    env: { AGENT_DESKTOP_GATEWAY_URL: '' },
  });
});
afterEach(async () => {
  await core.shutdown(2_000);
  await rig.close();
  await new Promise((resolve) => elsewhere.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Sessions the gateway still honours for `name` (revoking them to count them). */
const liveSessions = (name: string) => rig.store.revokeAgentSessions(name);

describe("the agent's gateway token", () => {
  it('is revoked where it came from when the gateway address changed meanwhile', async () => {
    expect((await core.dispatch('settings:update', { gatewayUrl: elsewhereOrigin })).ok).toBe(true);
    expect((await core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    expect(reachedElsewhere).toEqual([]);
    expect(await liveSessions('alice')).toBe(0);
  });

  it('signing in again after a lapse goes to the gateway the session uses, not the new address', async () => {
    expect((await core.dispatch('settings:update', { gatewayUrl: elsewhereOrigin })).ok).toBe(true);
    await rig.admin.revokeSessions('alice');
    await core.dispatch('session:refresh', undefined);
    expect(core.snapshot().access?.signInNeeded).toBe(true);
    const again = await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice });
    expect(again.ok, JSON.stringify(again)).toBe(true);
    expect(reachedElsewhere).toEqual([]);
    expect(core.snapshot()).toMatchObject({ phase: 'signed-in', access: { signInNeeded: false } });
  });

  it("a second sign-in while signed in is refused before it buys a token: the session's stands", async () => {
    const token = core.platforms.gateway!.bearer();
    const second = await core.dispatch('session:sign-in', {
      name: 'bob',
      extension: EXT[2]!,
      password: PASSWORDS.bob,
    });
    expect(!second.ok && second.error.code).toBe('already-signed-in');
    expect(core.platforms.gateway!.bearer()).toBe(token);
    expect(await liveSessions('bob')).toBe(0);
    // Alice's session carries on through the gateway.
    expect((await core.dispatch('agent:set-state', { state: 'busy/会议' })).ok).toBe(true);
    expect(rig.emulator.store.getAgent('alice').data?.state).toBe('busy/会议');
  });
});

describe('GatewayAccess', () => {
  /** A gateway that hands out token-1, token-2… and records revocations. */
  function fakeGateway(revoked: string[]): typeof fetch {
    let n = 0;
    return (async (url: string | URL, init?: RequestInit) => {
      if (init?.method === 'DELETE') {
        revoked.push(String((init.headers as Record<string, string>).Authorization));
        return new Response('{"code":"000000"}');
      }
      n++;
      const token = `token-${n}`.padEnd(43, 'x');
      const data = {
        token,
        agent: 'alice',
        expiresAt: 0,
        idleSeconds: 60,
        extensions: [],
        allowSkills: false,
      };
      return new Response(JSON.stringify({ code: '000000', data }));
    }) as typeof fetch;
  }

  it('a 401 to a request sent with the token held before signing in again asks for nothing', async () => {
    const access = new GatewayAccess(() => 'http://gw.test', silentLogger, fakeGateway([]));
    expect((await access.signIn('alice', 'pw')).ok).toBe(true);
    const old = access.bearer();
    access.markLost(old);
    expect(access.signInNeeded()).toBe(true);
    expect((await access.signIn('alice', 'pw', true)).ok).toBe(true);
    // The reply to a keepalive sent with the old token arrives now.
    access.markLost(old);
    expect(access.signInNeeded()).toBe(false);
    access.markLost(access.bearer());
    expect(access.signInNeeded()).toBe(true);
  });

  it('a new sign-in revokes the token it replaces', async () => {
    const revoked: string[] = [];
    const access = new GatewayAccess(() => 'http://gw.test', silentLogger, fakeGateway(revoked));
    await access.signIn('alice', 'pw');
    const first = access.bearer();
    await access.signIn('alice', 'pw');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(revoked).toEqual([`Bearer ${first}`]);
  });
  it('the token goes only to the gateway it came from, whatever the settings name later', async () => {
    let origin = 'http://gw.test';
    const access = new GatewayAccess(() => origin, silentLogger, fakeGateway([]));
    await access.signIn('alice', 'pw');
    origin = 'http://elsewhere.test';
    expect(access.bearerFor('http://elsewhere.test')).toBeNull();
    expect(access.bearerFor('http://gw.test')).toBe(access.bearer());
  });
});
