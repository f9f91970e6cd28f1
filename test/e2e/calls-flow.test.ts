/**
 * Calls end to end in Chromium: the real renderer through the browser host, the real core and
 * SIP line, the demo platform's call center ringing the agent's extension over the embedded
 * registrar, its werift customer endpoint exchanging real DTLS-SRTP audio with the window's
 * RTCPeerConnection. Each test checks what the agent sees AND what the platform holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { announced, platformState, screenshot } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  callEnded,
  callRecord,
  openCallsWorld,
  panelShown,
  queueCall,
  ringingPanel,
  ringtone,
  signInRoutable,
  talkingPanel,
  untilSnapshot,
  windowMedia,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium');
const NAME = 'agent_call';

describe.skipIf(skip)(skip ?? 'calls end to end (Chromium)', () => {
  let world: CallsWorld;
  let desk: Desk;

  beforeAll(async () => {
    world = await openCallsWorld();
    desk = await world.openDesk();
    await signInRoutable(world, desk, {
      name: NAME,
      extension: DEMO_EXTENSIONS[0]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  const button = (name: string) => desk.page.getByRole('button', { name, exact: true });
  /** The agent makes itself available again (the platform holds idle). */
  const backToIdle = async () => {
    if (world.emulator.store.agentStatus(NAME)?.state === 'idle') return;
    await button('空闲').click();
    await platformState(world.emulator, NAME, 'idle');
    await announced(desk.page, '空闲');
  };

  it('rings (fetching), is answered (talking, audio both ways), the customer hangs up (reserve state)', async () => {
    const { page } = desk;
    const id = queueCall(world, { caller: '13900001111', reserveState: 'busy/整理' });

    const ringing = ringingPanel(page);
    await ringing.waitFor();
    expect(await ringing.textContent()).toContain('13900001111');
    expect(await button('接听').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(desk.snapshot()).toMatchObject({ state: 'fetching', call: { phase: 'ringing' } });
    await announced(page, '振铃中');
    await screenshot(page, 'call-ringing');
    // …and heard: the ringtone plays until the call is answered.
    await waitFor(async () => (await ringtone(page))?.playing, 'the ringtone playing');
    // Really played by an output device: its audio clock runs while it rings.
    const ringStart = (await ringtone(page))?.clock ?? 0;
    await waitFor(
      async () => ((await ringtone(page))?.clock ?? 0) > ringStart + 0.2,
      'the ringtone audio clock running',
    );
    expect(callRecord(world, id)).toMatchObject({ state: 'ringing', agent: NAME });
    await platformState(world.emulator, NAME, 'fetching');

    await button('接听').click();
    const talking = talkingPanel(page);
    await talking.waitFor();
    await ringing.waitFor({ state: 'detached' });
    expect(desk.snapshot()).toMatchObject({ state: 'talking', call: { phase: 'talking' } });
    await waitFor(async () => (await ringtone(page))?.playing === false, 'the ringtone stopped');
    // …and silent: its device no longer plays (the clock stands still once it has stopped).
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    await pause();
    const stoppedAt = (await ringtone(page))?.clock;
    await pause();
    expect((await ringtone(page))?.clock).toBe(stoppedAt);
    await platformState(world.emulator, NAME, 'talking');
    // Audio really flows: the window's peer connection and the customer's endpoint both count
    // packets received from the other.
    const stats = await waitFor(async () => {
      const s = await windowMedia(page);
      return s && s.connectionState === 'connected' && s.packetsReceived > 0 ? s : null;
    }, 'inbound RTP in the window');
    expect(stats.codec).toBe('audio/PCMU');
    await waitFor(
      () => (callRecord(world, id).media?.packetsReceived ?? 0) > 0,
      'inbound RTP at the customer',
    );
    expect(callRecord(world, id).media?.packetsSent).toBeGreaterThan(0);
    await screenshot(page, 'call-talking');

    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await talking.waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('customer-hung-up');
    await announced(page, '忙碌 · 整理');
    await platformState(world.emulator, NAME, 'busy/整理');
    expect(await windowMedia(page)).toBeNull();
    expect(desk.snapshot().missed).toEqual([]);
  });

  it('rings out (ring timeout): a missed-offer entry with the reserve state, and back to Idle', async () => {
    const { page } = desk;
    await backToIdle();
    const states = desk.states.length;
    const id = queueCall(world, {
      caller: '13900002222',
      ringTimeoutSec: 1,
      reserveState: 'away/未接',
    });
    // Seen by the window's own observer: with a 1 s ring the panel may be gone when we look.
    expect((await panelShown(desk, 'ringing', '13900002222')).text).toContain('接听');
    expect(desk.states.slice(states)[0]).toBe('fetching');
    const ringing = ringingPanel(page);
    // Nobody answers: the platform gives up after its ring timeout (CANCEL, Reason 408).
    await ringing.waitFor({ state: 'detached', timeout: 3_000 });
    const record = await callEnded(world, id);
    expect(record.outcome).toBe('missed-timeout');
    expect(record.answeredAt).toBeNull();

    const missed = page.getByRole('region', { name: '未接来电（1）' });
    await missed.waitFor();
    const entry = missed.getByRole('listitem').filter({ hasText: '13900002222' });
    await entry.filter({ hasText: '超时未接' }).waitFor();
    await entry.filter({ hasText: '平台随后将状态设为：离开 · 未接' }).waitFor();
    await announced(page, '离开 · 未接');
    await platformState(world.emulator, NAME, 'away/未接');
    expect(desk.snapshot().missed).toEqual([
      expect.objectContaining({
        caller: '13900002222',
        reason: 'timeout',
        stateAfter: 'away/未接',
      }),
    ]);
    await screenshot(page, 'call-missed-timeout');

    // One click back to Idle, from the list.
    await button('回到空闲').click();
    await platformState(world.emulator, NAME, 'idle');
    await announced(page, '空闲');
  });

  it('reject: the platform records the refusal, the offer is listed, reserve state', async () => {
    const { page } = desk;
    await backToIdle();
    const id = queueCall(world, { caller: '13900003333', reserveState: 'busy/回访' });
    await ringingPanel(page).waitFor();
    await waitFor(() => callRecord(world, id).alertedAt !== null, 'the phone alerting (180)');
    await button('拒接').click();
    await ringingPanel(page).waitFor({ state: 'detached' });
    const record = await callEnded(world, id);
    expect(record).toMatchObject({ outcome: 'rejected', detail: '603 Decline', answeredAt: null });
    const entry = page
      .getByRole('region', { name: '未接来电（2）' })
      .getByRole('listitem')
      .filter({ hasText: '13900003333' });
    await entry.filter({ hasText: '已拒接' }).waitFor();
    await entry.filter({ hasText: '平台随后将状态设为：忙碌 · 回访' }).waitFor();
    await announced(page, '忙碌 · 回访');
    await platformState(world.emulator, NAME, 'busy/回访');
  });

  it('the agent hangs up: the platform records it, media closed, reserve state', async () => {
    const { page } = desk;
    await backToIdle();
    const id = queueCall(world, { caller: '13900004444', reserveState: 'busy/整理' });
    await ringingPanel(page).waitFor();
    await button('接听').click();
    await talkingPanel(page).waitFor();
    await waitFor(
      async () => ((await windowMedia(page))?.packetsReceived ?? 0) > 0,
      'inbound RTP in the window',
    );
    await button('挂断').click();
    await talkingPanel(page).waitFor({ state: 'detached' });
    const record = await callEnded(world, id);
    expect(record.outcome).toBe('agent-hung-up');
    expect(record.media?.packetsReceived).toBeGreaterThan(0);
    expect(await windowMedia(page)).toBeNull();
    await announced(page, '忙碌 · 整理');
    await platformState(world.emulator, NAME, 'busy/整理');
    // Answered calls are not missed ones.
    expect(desk.snapshot().missed.map((m) => m.caller)).not.toContain('13900004444');
  });

  it('forced sign-out while talking: the call is hung up and the platform forgets the agent', async () => {
    const { page } = desk;
    await backToIdle();
    const id = queueCall(world, { caller: '13900005555' });
    await ringingPanel(page).waitFor();
    await button('接听').click();
    await talkingPanel(page).waitFor();
    await platformState(world.emulator, NAME, 'talking');

    await button('签出').click();
    const dialog = page.getByRole('alertdialog', { name: '正在通话中' });
    await dialog.waitFor();
    await button('强制签出并挂断').click();
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    await talkingPanel(page).waitFor({ state: 'detached' });
    const record = await callEnded(world, id);
    expect(record.outcome).toBe('agent-logged-out');
    expect(world.emulator.store.agentStatus(NAME)).toBeNull();
    expect(await windowMedia(page)).toBeNull();
    await untilSnapshot(desk, 'the SIP line stopped', (s) => s.sip.state === 'stopped');
    expect(desk.snapshot()).toMatchObject({ phase: 'signed-out', call: null });
  });
});
