/**
 * A diagnostics bundle from a desktop in gateway mode (docs/gateway.md, docs/it-admin.md): the
 * core against a real gateway and emulator, logging at debug to real files, the agent signed in
 * with their password, a wrong password tried first, the token refused and renewed. The zip an
 * agent sends to IT holds neither the agent's password nor any gateway token, nor the account
 * key the gateway holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopCore, type Core } from '../../../../src/main/core/create-core';
import { createAppLogger } from '../../../../src/lib/log/app-logger';
import { createFileSink } from '../../../../src/lib/log/file-sink';
import { MemorySecretStore } from '../../../../src/lib/ports';
import { EXT, PASSWORDS, startRig, type Rig } from '../../../gateway/helpers';

let rig: Rig;
let core: Core;
let dir: string;
const tokens = new Set<string>();
let text: string;
let names: string[];
let logger: ReturnType<typeof createAppLogger>;

beforeAll(async () => {
  rig = await startRig({ ratePerSec: 0 });
  rig.gateway.server.on('request', (req) => {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (bearer) tokens.add(bearer[1]!);
  });
  dir = mkdtempSync(join(tmpdir(), 'gw-diag-'));
  const sink = createFileSink({ dir: join(dir, 'logs') });
  logger = createAppLogger({ sinks: [sink.sink], debug: true });
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: join(dir, 'settings.json'),
    env: { AGENT_DESKTOP_GATEWAY_URL: rig.gateway.origin },
    sipLine: null,
    keepaliveMs: 150,
    logger,
    knownSecrets: logger.secrets,
    diagnostics: { versions: () => ({ app: 'test' }), logFiles: sink.files },
  });
  const profile = { name: 'alice', extension: EXT[0]!, initialState: 'idle' };
  await core.dispatch('session:sign-in', { ...profile, password: 'alice-wrong-guess' });
  const signed = await core.dispatch('session:sign-in', { ...profile, password: PASSWORDS.alice });
  expect(signed.ok).toBe(true);
  // IT revokes the session; the desktop's next request is refused; the agent signs in again.
  await rig.admin.revokeSessions('alice');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const again = await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice });
  expect(again.ok).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const zip = unzipSync(core.diagnosticsBundle());
  names = Object.keys(zip);
  text = Object.values(zip)
    .map((bytes) => strFromU8(bytes))
    .join('\n');
}, 30_000);
afterAll(async () => {
  await core?.shutdown(2_000);
  await rig?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the diagnostics bundle in gateway mode', () => {
  it('is a useful bundle: settings show the gateway, the log shows the gateway sign-ins', () => {
    expect(names).toEqual(expect.arrayContaining(['settings.json', 'logs/main.log']));
    expect(text).toContain(rig.gateway.origin);
    expect(text).toContain('signed in to the gateway');
  });

  it('holds no password, no gateway token and no account key', () => {
    expect(tokens.size).toBeGreaterThanOrEqual(2);
    for (const token of tokens) expect(text).not.toContain(token);
    expect(text).not.toContain(PASSWORDS.alice);
    expect(text).not.toContain('alice-wrong-guess');
    expect(text).not.toContain(rig.emulator.credentials!.secretKey);
  });

  it('tells the log every token, so a line that ever carried one would be scrubbed', () => {
    for (const token of tokens) expect(logger.secrets.list()).toContain(token);
  });
});
