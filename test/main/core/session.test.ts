/**
 * The agent session against the running emulator, driven through the core's contract dispatcher
 * (the same path the window uses). Short periods: 150 ms keepalive, 2 s platform timeout.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { MemorySecretStore } from '../../../src/lib/ports';
import { startEmulator } from '../../../src/emulator/index';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { PlatformClient } from '../../../src/lib/platform/client';
import { waitFor } from '../../support/wait';
import { ManualClock } from '../../support/manual-clock';
import type { Core } from '../../../src/main/core/create-core';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

const EXT = DEMO_EXTENSIONS[0]!.id;
const EXT2 = DEMO_EXTENSIONS[1]!.id;

let emulator: RunningEmulator;
let core: Core;

async function boot(
  settings: Record<string, unknown> = {},
  clock?: ManualClock,
  keepaliveMs = 150,
): Promise<void> {
  emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    keepaliveTimeoutSec: 2,
    ...(clock ? { now: clock.now } : {}),
  });
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async () => ({ emulator, sipWsUrl: null, close: async () => undefined }),
    keepaliveMs,
    ...(clock ? { clock } : {}),
  });
  if (Object.keys(settings).length) await core.dispatch('settings:update', settings);
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulator.origin}/emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

function platformAgent(name: string) {
  return new PlatformClient({
    baseUrl: emulator.baseUrl,
    credentials: emulator.credentials,
  }).getAgent(name);
}

async function signIn(name = 'agent_1', initialState?: string): Promise<SessionSnapshot> {
  const result = await core.dispatch('session:sign-in', {
    name,
    extension: EXT,
    num: '1001',
    initialState,
  });
  expect(result.ok).toBe(true);
  return core.snapshot();
}

const snap = () => core.snapshot();

/** The platform's own view of one agent (the emulator's state dump). */
async function platformView(name: string): Promise<{ state: string; fresh: boolean }> {
  const dump = (await control('state')) as {
    agents: { name: string; state: string; fresh: boolean }[];
  };
  const agent = dump.agents.find((a) => a.name === name);
  if (!agent) throw new Error(`the platform does not know ${name}`);
  return agent;
}

/**
 * Keepalive tests run on a manual clock shared by the core and the emulator: time moves only
 * when the test moves it, so a test that waits past the platform's timeout really does.
 */
const MANUAL_PERIOD = 1_000;
let manual: ManualClock | null = null;

async function bootManual(): Promise<ManualClock> {
  await core.shutdown(1000);
  await emulator.close();
  manual = new ManualClock(Date.now());
  await boot({}, manual, MANUAL_PERIOD);
  return manual;
}

/** One keepalive period on the manual clock, then wait (real time) for that round's answer. */
async function oneRound(clock: ManualClock): Promise<void> {
  // The previous round ends by scheduling this one (after its read-back): wait for that first.
  await waitFor(() => clock.pending > 0, 'the next keepalive scheduled');
  const before = snap().lastKeepaliveAckAt ?? 0;
  await clock.advance(MANUAL_PERIOD);
  // The round's read-back answers in real time, and the loop schedules the next keepalive only
  // then: when that came after the advance, the keepalive is due a little later on the manual
  // clock. Move it on in quarter periods until it is (never two periods without a keepalive).
  for (let step = 0; step < 4; step++) {
    const acked = await waitFor(
      () => (snap().lastKeepaliveAckAt ?? 0) > before,
      'a keepalive ack',
      1_000,
    )
      .then(() => true)
      .catch(() => false);
    if (acked) return;
    await clock.advance(MANUAL_PERIOD / 4);
  }
  await waitFor(() => (snap().lastKeepaliveAckAt ?? 0) > before, 'a keepalive ack');
}

beforeEach(async () => boot());
afterEach(async () => {
  const shutdown = core.shutdown(1000);
  // On the manual clock the shutdown bound only runs when the clock moves.
  if (manual) await manual.advance(1000);
  await shutdown;
  manual = null;
  await emulator.close();
});

describe('sign-in and sign-out', () => {
  it('signs in, reads the agent back and keeps the session alive', async () => {
    const clock = await bootManual();
    const s = await signIn('agent_1');
    expect(s.phase).toBe('signed-in');
    expect(s.state).toBe('online');
    expect(s.agent?.extension).toBe(EXT);
    expect(s.platform.demo).toBe(true);
    // Six periods: three times the platform's 2 s timeout. Only keepalives keep it fresh.
    for (let i = 0; i < 6; i++) await oneRound(clock);
    expect(clock.now() - s.lastKeepaliveAckAt!).toBeGreaterThan(2 * 2_000);
    expect((await platformView('agent_1')).fresh).toBe(true);
    expect(snap().phase).toBe('signed-in');
  });

  it('refuses a bad profile locally without asking the platform', async () => {
    for (const name of ['', 'has-dash', 'x'.repeat(33), '名字']) {
      const result = await core.dispatch('session:sign-in', { name, extension: EXT });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid-input');
    }
    const bad = await core.dispatch('session:sign-in', {
      name: 'ok_name',
      extension: EXT,
      initialState: 'talking',
    });
    expect(bad.ok).toBe(false);
    const state = (await control('state')) as { agents: unknown[] };
    expect(state.agents).toHaveLength(0);
  });

  it('shows 040201 plainly when the name is signed in elsewhere', async () => {
    const other = new PlatformClient({
      baseUrl: emulator.baseUrl,
      credentials: emulator.credentials,
    });
    expect((await other.login({ name: 'taken', extension: EXT2 })).ok).toBe(true);
    const result = await core.dispatch('session:sign-in', { name: 'taken', extension: EXT });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('040201');
    expect(snap().phase).toBe('signed-out');
    expect(snap().lastError?.code).toBe('040201');
  });

  it('signs out and stops the keepalive', async () => {
    await signIn();
    const out = await core.dispatch('session:sign-out', { force: false });
    expect(out.ok).toBe(true);
    expect(snap().phase).toBe('signed-out');
    expect((await platformAgent('agent_1')).ok).toBe(false);
  });
});

describe('state changes', () => {
  it('changes state with a reason and remembers it as recently used', async () => {
    await signIn();
    const result = await core.dispatch('agent:set-state', { state: 'busy/维修单录入/加急' });
    expect(result.ok).toBe(true);
    expect(snap().state).toBe('busy/维修单录入/加急');
    expect(snap().recentReasons.busy[0]).toBe('维修单录入/加急');
    const agent = await platformAgent('agent_1');
    expect(agent.ok && agent.value.state).toBe('busy/维修单录入/加急');
  });

  it('refuses a bad reason locally with a clear message', async () => {
    await signIn();
    for (const state of [
      'busy/a//b',
      'away/',
      'away/x/',
      `busy/${'x'.repeat(257)}`,
      'online',
      'talking',
      'idle/x',
    ]) {
      const result = await core.dispatch('agent:set-state', { state });
      expect(result.ok, state).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid-input');
    }
    expect(snap().state).toBe('online');
  });

  it('picks up platform-driven states by reading the agent back', async () => {
    await signIn('agent_1', 'idle');
    emulator.store.forceState('agent_1', 'fetching');
    await waitFor(() => snap().state === 'fetching', 'fetching from read-back');
    const refused = await core.dispatch('agent:set-state', { state: 'busy' });
    expect(refused.ok).toBe(false);
    emulator.store.forceState('agent_1', 'idle');
    await waitFor(() => snap().state === 'idle', 'reserve state from read-back');
  });
});

describe('a lost session heals itself', () => {
  it('signs in again after 040202 and restores the chosen state with its reason', async () => {
    await signIn();
    await core.dispatch('agent:set-state', { state: 'away/午餐' });
    await control('reset', {});
    await waitFor(async () => {
      const agent = await platformAgent('agent_1');
      return agent.ok && agent.value.state === 'away/午餐';
    }, 'the agent restored on the platform');
    await waitFor(
      () => snap().phase === 'signed-in' && snap().state === 'away/午餐',
      'snapshot restored',
    );
  });

  it('after expiry (offline), heals on the next keepalive', async () => {
    const clock = await bootManual();
    await signIn('agent_1', 'idle');
    await control('agents/agent_1/expire', {});
    // Expired: the platform routes no call to this agent until a keepalive brings it back.
    expect((await platformView('agent_1')).fresh).toBe(false);
    await oneRound(clock);
    expect(await platformView('agent_1')).toMatchObject({ fresh: true, state: 'idle' });
    expect(snap()).toMatchObject({ phase: 'signed-in', state: 'idle' });
  });

  it('stops healing and says so when someone else took the name', async () => {
    await signIn();
    // Stop our keepalive from winning the race: take the name right after the reset.
    await control('reset', {});
    const other = new PlatformClient({
      baseUrl: emulator.baseUrl,
      credentials: emulator.credentials,
    });
    await other.login({ name: 'agent_1', extension: EXT2 });
    await waitFor(() => snap().phase === 'signed-out', 'session ended');
    expect(snap().lastError?.code).toBe('040201');
  });

  it('gives up without a loop when the platform keeps refusing', async () => {
    await signIn();
    await control('reset', {});
    const admin = new PlatformClient({
      baseUrl: emulator.baseUrl,
      credentials: emulator.credentials,
    });
    expect((await admin.deleteExtension(EXT)).ok).toBe(true);
    await waitFor(() => snap().phase === 'signed-out', 'gave up', 15_000);
    expect(snap().lastError?.code).toBe('040103');
  });

  it('survives a platform restart: says unreachable at once, recovers and restores', async () => {
    await signIn();
    await core.dispatch('agent:set-state', { state: 'busy/会议' });
    const { port, credentials } = emulator;
    await emulator.close();
    await waitFor(() => snap().platform.health === 'unreachable', 'unreachable shown');
    expect(snap().platform.nextRetryAt).not.toBeNull();
    // A choice made while the platform is down is not lost.
    const offline = await core.dispatch('agent:set-state', { state: 'away/培训' });
    expect(offline.ok).toBe(false);
    expect(snap().chosenState).toBe('away/培训');
    emulator = await startEmulator({ port, auth: credentials, keepaliveTimeoutSec: 2 });
    await waitFor(
      () => snap().platform.health === 'ok' && snap().phase === 'signed-in',
      'recovered',
      10_000,
    );
    await waitFor(
      async () => {
        const agent = await platformAgent('agent_1');
        return agent.ok && agent.value.state === 'away/培训';
      },
      'chosen state restored on the new platform',
      10_000,
    );
  });
});

describe('forced sign-out', () => {
  it('asks before forcing when the agent is in a call', async () => {
    await signIn('agent_1', 'idle');
    emulator.store.forceState('agent_1', 'talking');
    await core.dispatch('session:refresh', {});
    expect(snap().state).toBe('talking');
    const polite = await core.dispatch('session:sign-out', { force: false });
    expect(polite.ok).toBe(false);
    if (!polite.ok) expect(polite.error.code).toBe('in-call');
    expect(snap().question?.kind).toBe('force-sign-out');
    expect(snap().phase).toBe('signed-in');
    const forced = await core.dispatch('session:sign-out', { force: true });
    expect(forced.ok).toBe(true);
    expect(snap().phase).toBe('signed-out');
  });

  it('turns a platform 040203 into the same question', async () => {
    await signIn('agent_1', 'idle');
    emulator.store.forceState('agent_1', 'fetching'); // the desktop has not read it back yet
    const polite = await core.dispatch('session:sign-out', { force: false });
    expect(polite.ok).toBe(false);
    expect(snap().question?.kind).toBe('force-sign-out');
  });
});

describe('phantom availability', () => {
  it('holds the agent away on suspend and restores the earlier state on resume', async () => {
    await signIn('agent_1', 'idle');
    core.system('suspend');
    await waitFor(() => snap().hold?.reason === 'suspend', 'held');
    expect(snap().state).toBe('away/system/suspend');
    core.system('resume');
    await waitFor(() => snap().hold === null && snap().state === 'idle', 'restored');
    const agent = await platformAgent('agent_1');
    expect(agent.ok && agent.value.state).toBe('idle');
  });

  it('signs out on lock when so configured, and back in on unlock', async () => {
    await core.dispatch('settings:update', { onLock: 'sign-out' });
    await signIn('agent_1', 'idle');
    core.system('lock-screen');
    await waitFor(() => snap().phase === 'signed-out', 'signed out on lock');
    core.system('unlock-screen');
    await waitFor(
      () => snap().phase === 'signed-in' && snap().state === 'idle',
      'back in on unlock',
    );
  });

  it('says unreachable at once when the OS reports the network gone', async () => {
    await signIn();
    core.system('offline');
    expect(snap().platform.health).toBe('unreachable');
    core.system('online');
    await waitFor(() => snap().platform.health === 'ok', 'back');
  });

  it('signs out on shutdown within the bound', async () => {
    await signIn();
    const started = Date.now();
    await core.shutdown(2000);
    expect(Date.now() - started).toBeLessThan(2500);
    expect((await platformAgent('agent_1')).ok).toBe(false);
  });
});

describe('the contract at the boundary', () => {
  it('refuses malformed and unknown commands with typed errors', async () => {
    const cases: [unknown, unknown, string][] = [
      ['agent:set-state', { state: 42 }, 'invalid-input'],
      ['agent:set-state', { state: 'idle', extra: true }, 'invalid-input'],
      ['agent:set-state', 'idle', 'invalid-input'],
      ['team:list', { pageNo: 1, pageSize: 5000 }, 'invalid-input'],
      ['no:such', {}, 'unknown-command'],
      [{ toString: 1 }, {}, 'unknown-command'],
      ['__proto__', {}, 'unknown-command'],
    ];
    for (const [channel, payload, code] of cases) {
      const result = await core.dispatch(channel, payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe(code);
    }
    expect(snap().phase).toBe('signed-out');
  });

  it('carries the microphone health the window reports (for the tray)', async () => {
    expect(snap().microphone).toBe('unknown');
    expect((await core.dispatch('media:microphone', { health: 'broken' })).ok).toBe(true);
    expect(snap().microphone).toBe('broken');
    expect((await core.dispatch('media:microphone', { health: 'fine' })).ok).toBe(false);
  });

  it('never returns secrets to the window', async () => {
    await core.dispatch('settings:update', {
      secrets: { secretKey: 's3cret', sipPassword: 'pw123456' },
    });
    const view = await core.dispatch('settings:get', {});
    expect(JSON.stringify(view)).not.toContain('s3cret');
    expect(JSON.stringify(view)).not.toContain('pw123456');
    const extensions = await core.dispatch('extensions:list', { pageNo: 1, pageSize: 10 });
    expect(extensions.ok).toBe(true);
    expect(JSON.stringify(extensions)).not.toContain(DEMO_EXTENSIONS[0]!.password);
  });
});
