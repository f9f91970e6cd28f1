/**
 * A call's life and the agent's state along it (docs/platform-api/agent-api.md §4, §6): idle → fetching →
 * talking → the reserve state however the agent leg ends, and each outcome recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallRequestError } from '../../../src/emulator/calls/call-center';
import { NO_PLACER } from '../../../src/emulator/calls/call-placer';
import { addAgent, callWhere, ended, ManualTimers, rig, stateOf, type Rig } from './call-doubles';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

/** One idle agent `a` with skill `sales`. */
async function oneAgent(options: Parameters<typeof rig>[0] = {}): Promise<Rig> {
  r = rig(options);
  await addAgent(r.store, { name: 'a', ext: 0 });
  return r;
}

describe('ringing', () => {
  it('gives up after the ring timeout: CANCEL, missed, agent to the reserve state', async () => {
    await oneAgent();
    const id = r.center.queueCall({
      skill: 'sales',
      ringTimeoutSec: 0.05,
      reserveState: 'busy/missed',
    });
    const leg = await r.placer.leg(0);
    leg.ring();
    await callWhere(r.center, id, (c) => c.alertedAt !== null, 'alerting');
    const call = await ended(r.center, id);
    expect(call).toMatchObject({ outcome: 'missed-timeout', agent: 'a', answeredAt: null });
    expect(call.endedAt! - call.offeredAt!).toBeGreaterThanOrEqual(0);
    expect(leg.hangUps).toBe(1);
    expect(stateOf(r.store, 'a')).toBe('busy/missed');
    expect(r.media[0]!.closed).toBe(true);
  });

  it('records a rejection (486/603) and sets the reserve state', async () => {
    await oneAgent();
    const id = r.center.queueCall({ skill: 'sales' });
    (await r.placer.leg(0)).end('rejected', '603 Decline');
    const call = await ended(r.center, id);
    expect(call).toMatchObject({ outcome: 'rejected', detail: '603 Decline' });
    expect(stateOf(r.store, 'a')).toBe('idle');
  });

  it.each([
    ['failed', 'failed'],
    ['unreachable', 'failed'],
  ] as const)('records a leg that %s as failed', async (reason, outcome) => {
    await oneAgent();
    const id = r.center.queueCall({ skill: 'sales', reserveState: 'away' });
    (await r.placer.leg(0)).end(reason, 'transport closed');
    expect(await ended(r.center, id)).toMatchObject({ outcome, detail: 'transport closed' });
    expect(stateOf(r.store, 'a')).toBe('away');
  });

  it('fails the call without a SIP side, and the agent is idle again', async () => {
    await oneAgent({ placer: NO_PLACER });
    const id = r.center.queueCall({ skill: 'sales' });
    const call = await ended(r.center, id);
    expect(call.outcome).toBe('failed');
    expect(call.detail).toMatch(/no SIP side/);
    expect(stateOf(r.store, 'a')).toBe('idle');
  });

  it('lets the customer give up while it rings (CANCEL)', async () => {
    await oneAgent();
    const id = r.center.queueCall({
      skill: 'sales',
      customer: { kind: 'give-up-ringing', afterSec: 0.05 },
    });
    const leg = await r.placer.leg(0);
    expect(await ended(r.center, id)).toMatchObject({ outcome: 'caller-gave-up', agent: 'a' });
    expect(leg.hangUps).toBe(1);
    expect(stateOf(r.store, 'a')).toBe('idle');
  });

  it('ignores an answer that crosses its own CANCEL', async () => {
    await oneAgent();
    const id = r.center.queueCall({ skill: 'sales' });
    const leg = await r.placer.leg(0);
    r.center.customerHangUp(id);
    leg.answer();
    const call = await ended(r.center, id);
    expect(call).toMatchObject({ outcome: 'caller-gave-up', answeredAt: null });
    expect(stateOf(r.store, 'a')).toBe('idle');
  });

  it('closes the call anyway when the SIP side never confirms the CANCEL', async () => {
    await oneAgent({ confirmHangUps: false, hangupGraceMs: 50 });
    const id = r.center.queueCall({ skill: 'sales', ringTimeoutSec: 0.02 });
    const call = await ended(r.center, id);
    expect(call.outcome).toBe('missed-timeout');
    expect(stateOf(r.store, 'a')).toBe('idle');
  });
});

describe('talking', () => {
  it('answers: talking, media gets the answer; the agent hangs up: reserve state', async () => {
    await oneAgent();
    const id = r.center.queueCall({ skill: 'sales', reserveState: 'busy/wrap-up' });
    const leg = await r.placer.leg(0);
    leg.answer('v=0 agent');
    const talking = await callWhere(r.center, id, (c) => c.state === 'talking', 'talking');
    expect(talking.answeredAt).not.toBeNull();
    expect(stateOf(r.store, 'a')).toBe('talking');
    expect(r.media[0]!.answers).toEqual(['v=0 agent']);
    leg.end('agent-hangup');
    const call = await ended(r.center, id);
    expect(call.outcome).toBe('agent-hung-up');
    expect(call.media).toMatchObject({ packetsSent: 50, packetsReceived: 50 });
    expect(leg.hangUps).toBe(0);
    expect(stateOf(r.store, 'a')).toBe('busy/wrap-up');
  });

  it('has the customer hang up after talking N seconds (BYE from the emulator)', async () => {
    await oneAgent();
    const id = r.center.queueCall({
      skill: 'sales',
      customer: { kind: 'hang-up-after', talkSec: 0.05 },
    });
    const leg = await r.placer.leg(0);
    leg.answer();
    const call = await ended(r.center, id);
    expect(call.outcome).toBe('customer-hung-up');
    expect(call.endedAt! - call.answeredAt!).toBeGreaterThanOrEqual(0);
    expect(leg.hangUps).toBe(1);
    expect(stateOf(r.store, 'a')).toBe('idle');
  });

  it('keeps a wait-for-agent customer on the line until asked to hang up', async () => {
    const timers = new ManualTimers();
    await oneAgent({ clock: timers });
    const id = r.center.queueCall({ skill: 'sales', ringTimeoutSec: 30 });
    const leg = await r.placer.leg(0);
    expect(timers.pending()).toEqual([30_000]);
    leg.answer();
    await callWhere(r.center, id, (c) => c.state === 'talking', 'talking');
    // Answering cleared the ring timeout, and this customer sets no timer of its own.
    expect(timers.pending()).toEqual([]);
    expect(r.center.customerHangUp(id)).toBe('ok');
    expect(r.center.customerHangUp(id)).toBe('ended');
    expect(await ended(r.center, id)).toMatchObject({ outcome: 'customer-hung-up' });
    expect(leg.hangUps).toBe(1);
  });

  it('a forced logout hangs the call up before the agent is logged out', async () => {
    await oneAgent();
    const id = r.center.queueCall({ skill: 'sales' });
    const leg = await r.placer.leg(0);
    leg.answer();
    await callWhere(r.center, id, (c) => c.state === 'talking', 'talking');
    const order: string[] = [];
    r.center.onChange((c) => c.state === 'ended' && order.push(`call ${c.outcome}`));
    r.store.onChange((e) => e.type === 'agent-logout' && order.push('logout'));
    expect((await r.store.logout('a', true)).code).toBe('000000');
    expect(leg.hangUps).toBe(1);
    expect(order).toEqual(['call agent-logged-out', 'logout']);
    expect(r.store.agentStatus('a')).toBeNull();
  });

  it('a reset of the emulator ends the agent’s call', async () => {
    await oneAgent();
    const id = r.center.queueCall({ skill: 'sales' });
    (await r.placer.leg(0)).answer();
    r.store.reset();
    expect(await ended(r.center, id)).toMatchObject({ outcome: 'agent-logged-out' });
  });
});

describe('the queue', () => {
  it('lets a queued customer hang up (caller-gave-up, no agent)', async () => {
    r = rig();
    const id = r.center.queueCall({ skill: 'sales', caller: '13912345678' });
    expect(r.center.customerHangUp(id)).toBe('ok');
    expect(r.center.call(id)).toMatchObject({
      state: 'ended',
      outcome: 'caller-gave-up',
      agent: null,
      caller: '13912345678',
    });
    expect(r.center.customerHangUp('call-999')).toBe('unknown');
  });

  it('refuses bad requests with the field named', () => {
    r = rig();
    expect(() => r.center.queueCall({ skill: ' ' })).toThrow(CallRequestError);
    expect(() => r.center.queueCall({ skill: 's', reserveState: 'talking' })).toThrow(
      /reserveState/,
    );
    expect(() => r.center.queueCall({ skill: 's', ringTimeoutSec: 0 })).toThrow(/ringTimeoutSec/);
    expect(r.center.calls()).toEqual([]);
  });

  it('ends everything on close', async () => {
    await oneAgent();
    const ringingId = r.center.queueCall({ skill: 'sales' });
    const queuedId = r.center.queueCall({ skill: 'sales' });
    await r.placer.leg(0);
    await r.center.close();
    expect(r.center.call(ringingId)).toMatchObject({ state: 'ended', outcome: 'failed' });
    expect(r.center.call(queuedId)).toMatchObject({ state: 'ended', outcome: 'failed' });
    expect(stateOf(r.store, 'a')).toBe('idle');
    expect(() => r.center.queueCall({ skill: 'sales' })).toThrow(/closed/);
  });
});
