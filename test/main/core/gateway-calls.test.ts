/**
 * Calls in gateway mode while the gateway side goes wrong, core against a real gateway (SQLite)
 * in front of the demo platform (emulator + embedded registrar + call center), with a window
 * double for the media: a token revoked while a call rings or talks, the gateway restarting, its
 * database going away. The customer's call must carry on, the agent must stay signed in, and the
 * window must say what is actually wrong.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { isRoutable, type RunningEmulator } from '../../../src/emulator/index';
import { startGateway } from '../../../src/gateway/index';
import { callReadiness, isInCall } from '../../../src/shared/availability';
import { silentLogger } from '../../../src/lib/ports';
import { PASSWORDS, startRig, type Rig } from '../../gateway/helpers';
import { windowDouble, type WindowDouble } from './support/call-core';
import { waitFor } from '../../support/wait';
import { gatewayCoreSignedIn } from './support/gateway-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';
import type { GatewayStore } from '../../../src/gateway/store/port';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

let demo: EmbeddedPlatform<RunningEmulator>;
let rig: Rig;
let core: Core;
let window: WindowDouble;

const snap = () => core.snapshot();
const until = <T>(what: string, probe: (s: SessionSnapshot) => T, ms = 8_000) =>
  waitFor(() => probe(snap()), what, ms) as Promise<T>;
const status = () => demo.emulator.store.agentStatus('alice');
const platformCall = (id: string) => demo.emulator.calls.call(id);
/** What the readiness light (and the tray) say, as the window computes it. */
const light = () => callReadiness(snap(), 'ok');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gateway's database stops answering (every query throws) until `back()`. */
function databaseDown(store: GatewayStore): { back(): void } {
  const target = store as unknown as Record<string, unknown>;
  const names = ['findSession', 'touchSession', 'getAgent', 'createSession'] as const;
  const saved = names.map((name) => [name, target[name]] as const);
  for (const name of names) {
    target[name] = async () => {
      throw new Error('connection refused');
    };
  }
  return { back: () => saved.forEach(([name, fn]) => (target[name] = fn)) };
}

beforeEach(async () => {
  demo = await startDemoPlatform(silentLogger);
  rig = await startRig({ emulator: demo.emulator, ratePerSec: 0, disabledSweepSeconds: 0.2 });
  core = await gatewayCoreSignedIn(rig, {
    env: { AGENT_DESKTOP_SIP_WS_URL: demo.sipWsUrl! },
    sipLine: undefined, // the real SIP line
    keepaliveMs: 300,
  });
  window = windowDouble(core);
  // Skills are the supervisor's in gateway mode: set on the platform directly.
  demo.emulator.store.updateSkills('alice', [{ opt: 1, name: 'sales', score: 5, enabled: true }]);
  await until('registered', (s) => s.sip.state === 'registered');
  await waitFor(() => status() && isRoutable(status()!), 'routable');
});
afterEach(async () => {
  await core.shutdown(3_000);
  await window.close();
  await rig.close();
  await demo.close();
});

/** Queues a customer call and waits for it to ring in the snapshot. */
async function ring() {
  const id = demo.emulator.calls.queueCall({ skill: 'sales', caller: '13900001234' });
  const call = (await until('ringing', (s) => (s.call?.phase === 'ringing' ? s.call : null)))!;
  return { id, callId: call.id };
}

async function talk() {
  const { id, callId } = await ring();
  expect((await core.dispatch('call:answer', { callId })).ok).toBe(true);
  await waitFor(() => platformCall(id)?.state === 'talking', 'platform call talking');
  return { id, callId };
}

describe('a call in gateway mode', () => {
  it('token revoked while it rings: answered and talked; the light does not say the platform is broken', async () => {
    const { id, callId } = await ring();
    await rig.admin.revokeSessions('alice');
    await until('sign-in-again prompt', (s) => s.access?.signInNeeded);
    expect(snap().call?.phase).toBe('ringing');
    expect((await core.dispatch('call:answer', { callId })).ok).toBe(true);
    await waitFor(() => platformCall(id)?.state === 'talking', 'platform call talking');
    expect(snap()).toMatchObject({ phase: 'signed-in', call: { phase: 'talking' } });
    // On a call: the light says so, not "cannot take calls: the platform refuses requests".
    expect(light()).toEqual({ kind: 'not-offered', why: 'talking' });

    expect(demo.emulator.calls.customerHangUp(id)).toBe('ok');
    await until('call over', (s) => s.call === null);
    // The platform still holds the agent idle and routes the next call to them: the light must
    // not tell them none can come. It cannot know either; the prompt says what to do.
    await waitFor(() => status() && isRoutable(status()!), 'routable on the platform');
    expect(light()).toEqual({ kind: 'unknown', links: ['platform'] });
    expect(snap().access?.signInNeeded).toBe(true);

    expect((await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice })).ok).toBe(
      true,
    );
    await until('idle read back', (s) => s.state === 'idle' && s.platform.health === 'ok');
    expect(light()).toEqual({ kind: 'ready' });
  });

  it('token revoked while talking past the platform keepalive: signing in again keeps the call', async () => {
    demo.emulator.store.setKeepaliveTimeout(1);
    const { id } = await talk();
    await rig.admin.revokeSessions('alice');
    await until('sign-in-again prompt', (s) => s.access?.signInNeeded);
    await waitFor(() => status()?.keepaliveFresh === false, 'platform keepalive lapsed');
    expect(platformCall(id)?.state).toBe('talking');
    expect((await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice })).ok).toBe(
      true,
    );
    await waitFor(() => status()?.keepaliveFresh, 'keepalive fresh again');
    expect(platformCall(id)?.state).toBe('talking');
    expect(snap()).toMatchObject({ phase: 'signed-in', call: { phase: 'talking' } });
  });

  it('the gateway restarts during the call: the call talks on and the session recovers', async () => {
    const { id } = await talk();
    const port = rig.gateway.port;
    await rig.gateway.close();
    await until('unreachable', (s) => s.platform.health === 'unreachable');
    rig.gateway = await startGateway({
      platformUrl: demo.emulator.baseUrl,
      credentials: demo.emulator.credentials!,
      database: rig.store,
      port,
      ratePerSec: 0,
    });
    await until('platform ok again', (s) => s.platform.health === 'ok');
    // Tokens live in the database: no sign-in-again after a restart.
    expect(snap().access?.signInNeeded).toBe(false);
    expect(platformCall(id)?.state).toBe('talking');
    expect(snap()).toMatchObject({ phase: 'signed-in', call: { phase: 'talking' } });
  });

  it('the gateway database goes down during the call: passing trouble, retried, not a refusal', async () => {
    const { id } = await talk();
    const db = databaseDown(rig.store);
    // The keepalive fails and is retried on the backoff's steps, as for an unreachable platform.
    await until('keepalive retried', (s) => s.platform.nextRetryAt !== null);
    // Said as trouble getting through that is retried, not "the platform refuses this session".
    expect(snap().platform).toMatchObject({ health: 'unreachable' });
    expect(snap().platform.lastError).toMatchObject({ code: 'gateway-trouble' });
    expect(snap().platform.lastError?.detail).toContain('GW0503');
    // The gateway's trouble, not "the platform answers with errors": the platform is fine.
    expect(light()).toMatchObject({ kind: 'trouble', trouble: 'gateway-trouble' });
    expect(platformCall(id)?.state).toBe('talking');
    db.back();
    await until('platform ok again', (s) => s.platform.health === 'ok');
    expect(snap()).toMatchObject({ phase: 'signed-in', call: { phase: 'talking' } });
  });

  it('the platform drops the agent while the gateway database is down: healing goes on, no sign-out', async () => {
    let db: { back(): void } | null = null;
    // The keepalive that finds the agent gone takes the database with it: every heal meets
    // GW0503 until it is back.
    demo.emulator.server.on('request', (req) => {
      if (!db && req.url?.includes('/keepalive') && !status()) db = databaseDown(rig.store);
    });
    expect((await core.dispatch('agent:set-state', { state: 'busy/会议' })).ok).toBe(true);
    await demo.emulator.store.logout('alice', true);
    await until('restoring', (s) => s.phase === 'restoring');
    // Far more than three heal attempts at this keepalive period (300 ms).
    await pause(2_000);
    expect(snap().phase).toBe('restoring');
    db!.back();
    await until('signed in again', (s) => s.phase === 'signed-in', 8_000);
    await waitFor(() => status()?.state === 'busy/会议', 'chosen state restored');
  });

  it('quit during the call (after the question): logged out on the platform, gateway session ended', async () => {
    const { id } = await talk();
    await core.shutdown(3_000);
    // The agent confirmed: the platform hung up and logged them out...
    await waitFor(() => platformCall(id)?.outcome, 'call ended on the platform');
    expect(status()).toBeNull();
    // ...and no gateway session is left behind for an admin to find (nor a token to replay).
    expect(await rig.store.revokeAgentSessions('alice')).toBe(0);
    const audit = await waitFor(async () => {
      const rows = await rig.store.listAudit({ agent: 'alice', limit: 50 });
      return rows.some((r) => r.action === 'sign-out') ? rows : null;
    }, 'the sign-out in the audit');
    // The audit says the desktop asked for the call to be hung up (force), not a plain logout.
    expect(audit.map((r) => r.action)).toContain('force-logout');
  });

  it('sign-out during the call asks first; forced, the gateway audits it as a forced logout', async () => {
    const { id } = await talk();
    const asked = await core.dispatch('session:sign-out', { force: false });
    expect(!asked.ok && asked.error.code).toBe('in-call');
    expect(snap().question).toEqual({ kind: 'force-sign-out' });
    expect(platformCall(id)?.state).toBe('talking');
    expect((await core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    expect(platformCall(id)?.outcome).toBe('agent-logged-out');
    expect(await rig.store.revokeAgentSessions('alice')).toBe(0);
    const audit = await waitFor(async () => {
      const rows = await rig.store.listAudit({ agent: 'alice', limit: 50 });
      return rows.some((r) => r.action === 'sign-out') ? rows : null;
    }, 'the sign-out in the audit');
    expect(audit.find((r) => r.action === 'force-logout')).toMatchObject({
      target: 'alice',
      status: 200,
      code: '000000',
    });
    expect(audit.map((r) => r.action)).not.toContain('logout');
  });

  it('token lapsed after the call: a state chosen then is kept and sent once signed in again', async () => {
    const { id } = await talk();
    expect(demo.emulator.calls.customerHangUp(id)).toBe('ok');
    await until('idle read back after the call', (s) => s.call === null && s.state === 'idle');
    await rig.admin.revokeSessions('alice');
    // A meeting: the agent picks Busy · 会议 before the window has noticed the lapse.
    await core.dispatch('agent:set-state', { state: 'busy/会议' });
    await until('sign-in-again prompt', (s) => s.access?.signInNeeded);
    // The prompt says the chosen state is kept: it is.
    expect(snap()).toMatchObject({ chosenState: 'busy/会议', pendingState: 'busy/会议' });
    expect((await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice })).ok).toBe(
      true,
    );
    await waitFor(() => status()?.state === 'busy/会议', 'the choice reaches the platform');
    await until('shown', (s) => s.state === 'busy/会议' && s.pendingState === null);
  });

  it('token lapsed during the call, which then ends: a state chosen then is kept, not refused as in a call', async () => {
    const { id } = await talk();
    await rig.admin.revokeSessions('alice');
    await until('sign-in-again prompt', (s) => s.access?.signInNeeded);
    expect(demo.emulator.calls.customerHangUp(id)).toBe('ok');
    await until('call over, not read back', (s) => s.call === null && s.platform.health !== 'ok');
    // The platform's last word (talking) stays, but the line has no call: the choices are open.
    expect(snap().state).toBe('talking');
    expect(isInCall(snap())).toBe(false);
    // A meeting: the agent picks Busy · 会议; the prompt says it is kept, and it is.
    const picked = await core.dispatch('agent:set-state', { state: 'busy/会议' });
    expect(!picked.ok && picked.error.code).toBe('gateway-signed-out');
    expect(snap()).toMatchObject({ chosenState: 'busy/会议', pendingState: 'busy/会议' });
    expect((await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice })).ok).toBe(
      true,
    );
    await waitFor(() => status()?.state === 'busy/会议', 'the choice reaches the platform');
    await until('shown', (s) => s.state === 'busy/会议' && s.pendingState === null);
    expect(snap().call).toBeNull();
  });

  it('agent disabled during the call: the call talks on, and once it is over no call is routed to them', async () => {
    const { id } = await talk();
    await rig.admin.setDisabled('alice', true);
    await until('sign-in-again prompt', (s) => s.access?.signInNeeded);
    const again = await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice });
    expect(!again.ok && again.error.message).toContain('disabled');
    await pause(800); // several of the gateway's sweeps
    expect(platformCall(id)?.state).toBe('talking');
    expect(snap()).toMatchObject({ phase: 'signed-in', call: { phase: 'talking' } });

    expect(demo.emulator.calls.customerHangUp(id)).toBe('ok');
    await waitFor(() => status() === null, 'logged out of the platform after the call');
    const next = demo.emulator.calls.queueCall({ skill: 'sales', caller: '13900005678' });
    await pause(500);
    expect(platformCall(next)?.state).toBe('queued');
    expect(snap().call).toBeNull();
    const audit = await waitFor(async () => {
      const rows = await rig.store.listAudit({ agent: 'alice', limit: 50 });
      return rows.find((r) => r.action === 'logout-disabled' && r.code === '000000');
    }, 'the gateway logout in the audit');
    expect(audit).toMatchObject({ target: 'alice', sourceAddress: 'gateway' });
  });
});
