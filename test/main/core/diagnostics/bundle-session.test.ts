/**
 * A diagnostics bundle made during a real session: the core against the emulator, signed and
 * SIP-registered with digest auth, a call that rang out, a window error, everything logged to real
 * rotating files at debug. The unpacked zip holds what it promises and none of the secrets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../../src/emulator/index';
import { createAppLogger } from '../../../../src/lib/log/app-logger';
import { createFileSink } from '../../../../src/lib/log/file-sink';
import { MemorySecretStore } from '../../../../src/lib/ports';
import { waitFor } from '../../../support/wait';
import { callExtension } from '../../sip/support/test-caller';
import type { RunningEmulator } from '../../../../src/emulator/index';
import type { Core } from '../../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../../src/main/core/platform-source';

const ext = DEMO_EXTENSIONS[2]!;
const USER_SECRET = 'user-typed-secret-key-5f9c2e';
let dir: string;
let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
let files: Record<string, string>;
/** status.json of a bundle made while the call rang. */
let ringingStatus: string;
let secrets: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agent-diag-'));
  const sink = createFileSink({ dir: join(dir, 'logs') });
  const logger = createAppLogger({ sinks: [sink.sink], debug: true });
  const store = new MemorySecretStore();
  core = await createDesktopCore({
    secrets: store,
    settingsFile: null,
    logger,
    knownSecrets: logger.secrets,
    startEmbedded: async (log) => (demo = await startDemoPlatform(log)),
    keepaliveMs: 5_000,
    mediaTimeoutMs: 200,
    diagnostics: { versions: () => ({ app: '0.1.0-test' }), logFiles: sink.files },
  });
  // The agent types a secret key for later (kept, never shown) while on the demo platform.
  await core.dispatch('settings:update', { secrets: { secretKey: USER_SECRET } });
  await core.dispatch('session:sign-in', { name: 'diag_agent', extension: ext.id });
  await waitFor(() => core.snapshot().sip.state === 'registered', 'registered');
  // A ring the window never answers becomes a missed offer.
  const caller = callExtension(demo.emulator.sip!, ext.id, { fromUser: '13900000001' });
  await waitFor(() => core.snapshot().call?.phase === 'ringing', 'ringing');
  ringingStatus = strFromU8(unzipSync(core.diagnosticsBundle())['status.json']!);
  await core.dispatch('call:reject', { callId: core.snapshot().call!.id });
  await caller.ended;
  await waitFor(() => core.snapshot().missed.length === 1, 'missed offer');
  await waitFor(() => core.snapshot().missed[0]?.stateAfter !== null, 'state after the miss');
  const chose = await core.dispatch('agent:set-state', { state: 'busy/会议' });
  expect(chose.ok, JSON.stringify(chose)).toBe(true);
  // The window reports an error that quotes the secret key (a careless stack, say).
  await core.dispatch('log:window-error', {
    kind: 'error',
    message: `failed with ${USER_SECRET}`,
    stack: `Error\n  Authorization: Digest username="x", response="0123456789abcdef0123"`,
  });
  secrets = [USER_SECRET, demo.emulator.credentials!.secretKey, ext.password];
  const zip = unzipSync(core.diagnosticsBundle());
  files = Object.fromEntries(Object.entries(zip).map(([name, bytes]) => [name, strFromU8(bytes)]));
}, 30_000);
afterAll(async () => {
  await core?.shutdown(3_000);
  rmSync(dir, { recursive: true, force: true });
});

describe('the diagnostics bundle of a real session', () => {
  it('holds logs, versions, settings, state changes, SIP messages, readiness and missed offers', () => {
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'README.txt',
        'versions.json',
        'status.json',
        'settings.json',
        'state-changes.json',
        'sip-messages.txt',
        'readiness.json',
        'missed-offers.json',
        'logs/main.log',
      ]),
    );
    expect(JSON.parse(files['versions.json']!)).toMatchObject({ app: '0.1.0-test' });
    expect(JSON.parse(files['settings.json']!)).toMatchObject({ secrets: { secretKey: true } });
    const changes = JSON.parse(files['state-changes.json']!) as Array<Record<string, string>>;
    expect(changes.at(-1)).toMatchObject({ to: 'busy/会议', cause: 'agent chose it' });
    expect(changes.map((c) => c.cause)).toContain('call ringing');
    expect(files['sip-messages.txt']).toMatch(/^REGISTER sip:/m);
    expect(files['sip-messages.txt']).toMatch(/^INVITE sip:/m);
    expect(files['sip-messages.txt']).toMatch(/^Authorization: \[redacted\]/m);
    expect(JSON.parse(files['readiness.json']!).at(-1)).toMatchObject({
      ready: expect.any(Boolean),
    });
    expect(JSON.parse(files['missed-offers.json']!)).toMatchObject([{ caller: '13900000001' }]);
    expect(files['logs/main.log']).toContain('window error');
  });

  it('says what the app showed at the export, without the caller', () => {
    expect(JSON.parse(files['status.json']!)).toMatchObject({
      phase: 'signed-in',
      access: { mode: 'demo' },
      agent: 'diag_agent',
      extension: ext.id,
      state: 'busy/会议',
      chosenState: 'busy/会议',
      signOutPending: false,
      platform: { health: 'ok' },
      sip: { state: 'registered' },
      call: null,
      missedCalls: 1,
    });
    expect(JSON.parse(ringingStatus)).toMatchObject({
      call: { phase: 'ringing', ringingSince: expect.stringMatching(/^\d{4}-/) },
    });
    for (const status of [files['status.json']!, ringingStatus])
      expect(status).not.toContain('13900000001');
  });

  it('contains none of the session’s secrets, nor a digest answer, anywhere', () => {
    expect(secrets.every((secret) => secret.length >= 8)).toBe(true);
    for (const [name, text] of Object.entries(files)) {
      for (const secret of secrets) expect(text, `${name} holds a secret`).not.toContain(secret);
      expect(text, name).not.toMatch(/response="?[0-9a-f]{8,}/i);
      expect(text, name).not.toMatch(/^Signature:\s*(?!\[redacted\])\S/im);
    }
    // …and the log files on disk never had them either.
    const log = readFileSync(join(dir, 'logs', 'main.log'), 'utf8');
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
