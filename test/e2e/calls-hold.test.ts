/**
 * Hold and the keypad in Chromium on the demo platform (what a new user runs): the window's
 * RTCPeerConnection offers sendonly, the platform's customer endpoint answers recvonly on the same
 * connection, and resume brings the audio back. The call stays up throughout; the customer is not
 * cut off. Keypad digits go as RFC 4733 events, which the customer endpoint offers as the
 * platform does, before and after a hold. (The same over the Kamailio edge: edge-calls.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { customerMedia } from '../support/customer-media';
import { missingSystem } from '../support/system';
import { waitFor, waitForSteady } from '../support/wait';
import {
  callEnded,
  callRecord,
  openCallsWorld,
  queueCall,
  ringingPanel,
  signInRoutable,
  talkingPanel,
  windowMedia,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium');
const NAME = 'agent_hold';

describe.skipIf(skip)(skip ?? 'hold on the demo platform (Chromium)', () => {
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
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** The window's inbound RTP and the customer endpoint's. */
  const counters = async (id: string) => ({
    window: (await windowMedia(desk.page))?.packetsReceived ?? 0,
    customer: callRecord(world, id).media?.packetsReceived ?? 0,
  });
  const flowing = async (id: string) => {
    const before = await counters(id);
    await waitFor(async () => {
      const now = await counters(id);
      return now.window > before.window + 10 && now.customer > before.customer + 10;
    }, 'audio flowing both ways');
  };
  /** Rings the agent, answers in the window, waits for audio both ways; the call's id. */
  const talking = async (caller: string) => {
    const id = queueCall(world, { caller });
    await ringingPanel(desk.page).waitFor();
    await button('接听').click();
    await talkingPanel(desk.page).waitFor();
    await flowing(id);
    return id;
  };

  it('hold stops the audio, resume brings it back; the call stays up', async () => {
    const id = await talking('13900005555');

    await button('保持').click();
    await button('恢复通话').waitFor();
    expect(desk.snapshot().call).toMatchObject({ phase: 'talking', held: true });
    await desk.page.getByRole('status').filter({ hasText: '通话已保持' }).waitFor();
    // Held: after the packets in flight (later on a loaded machine), neither side receives
    // anything for a while.
    const held = await waitForSteady(() => counters(id), 'the held call goes quiet');
    await pause(600);
    expect(await counters(id)).toEqual(held);
    expect(callRecord(world, id)).toMatchObject({ state: 'talking', outcome: null });

    await button('恢复通话').click();
    await button('保持').waitFor();
    expect(desk.snapshot().call).toMatchObject({ phase: 'talking', held: false });
    await flowing(id);

    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('customer-hung-up');
  });

  it('keypad digits reach the customer as RFC 4733 events, before and after a hold', async () => {
    const id = await talking('13900005557');
    const keypad = desk.page.getByRole('group', { name: '拨号盘' });
    const note = keypad.getByRole('status');
    const digitsAtCustomer = async (digits: string) => {
      await waitFor(
        () => callRecord(world, id).media?.digits === digits,
        `digits ${digits} at the customer`,
      );
      // Each event once: its repeated end packets add nothing, a while later either.
      await pause(300);
      expect(callRecord(world, id).media?.digits).toBe(digits);
    };

    await desk.page.keyboard.press('1');
    await keypad.getByRole('button', { name: '2', exact: true }).click();
    await desk.page.keyboard.press('#');
    await note.filter({ hasText: '已发送：12#' }).waitFor();
    await digitsAtCustomer('12#');

    // The hold and resume re-INVITEs renegotiate the audio: the keypad must survive them.
    await button('保持').click();
    await button('恢复通话').click();
    await button('保持').waitFor();
    await flowing(id);
    await keypad.getByRole('button', { name: '3', exact: true }).click();
    await note.filter({ hasText: /已发送：.*3$/ }).waitFor();
    await digitsAtCustomer('12#3');
    // What the window said before the demo customer took keypad tones: never again.
    expect(await note.textContent()).not.toContain('未能发送');

    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('customer-hung-up');
  });

  it('a hold the platform refuses (488): the agent is told, and the customer still hears them', async () => {
    // A customer endpoint that takes no new offer, as some real platforms answer a re-INVITE.
    world.emulator.calls.setMedia(customerMedia());
    const id = await talking('13900005556');

    await button('保持').click();
    const alert = talkingPanel(desk.page).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('保持/恢复通话失败');
    expect(desk.snapshot().call).toMatchObject({ phase: 'talking' });
    expect(desk.snapshot().call?.held ?? false).toBe(false);
    await button('保持').waitFor();
    // The window took its offer back: the microphone still reaches the customer, both ways.
    await flowing(id);
    await pause(600);
    await flowing(id);

    // And a second try still works the same way (no offer left pending in the window).
    await button('保持').click();
    await waitFor(async () => await button('保持').isEnabled(), 'the second hold settled');
    expect(desk.snapshot().call?.held ?? false).toBe(false);
    await flowing(id);

    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
  });
});
