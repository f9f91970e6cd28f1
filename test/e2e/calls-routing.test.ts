/**
 * Routing end to end in Chromium: two agents' desktops (two windows in one Chromium, each with
 * its own core, browser host and SIP registration) on one demo platform. A call for a skill rings
 * the agent with the higher score and only that one; while that agent talks, the next call goes
 * to the other, whose window lists it as missed when the customer gives up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { announced, platformState } from '../support/agent-window';
import { missingSystem } from '../support/system';
import {
  callEnded,
  callRecord,
  openCallsWorld,
  panelShown,
  queueCall,
  ringingPanel,
  signInRoutable,
  talkingPanel,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium');

describe.skipIf(skip)(skip ?? 'calls routing between two agents (Chromium)', () => {
  let world: CallsWorld;
  let low: Desk;
  let high: Desk;

  beforeAll(async () => {
    world = await openCallsWorld();
    [low, high] = await Promise.all([world.openDesk(), world.openDesk()]);
    // Signed in one after the other: the lower-scored agent has been idle longer, so only the
    // score can make the other one win.
    await signInRoutable(world, low, {
      name: 'agent_low',
      extension: DEMO_EXTENSIONS[1]!.id,
      skills: [{ name: 'sales', score: 3 }],
    });
    await signInRoutable(world, high, {
      name: 'agent_high',
      extension: DEMO_EXTENSIONS[2]!.id,
      skills: [{ name: 'sales', score: 8 }],
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  const button = (desk: Desk, name: string) => desk.page.getByRole('button', { name, exact: true });

  it('the higher score rings, the other agent does not; the next call goes to the other', async () => {
    const first = queueCall(world, { caller: '13900006666' });
    await ringingPanel(high.page).waitFor();
    expect(callRecord(world, first)).toMatchObject({
      agent: 'agent_high',
      extension: DEMO_EXTENSIONS[2]!.id,
    });
    expect(high.snapshot().state).toBe('fetching');
    await button(high, '接听').click();
    await talkingPanel(high.page).waitFor();
    await platformState(world.emulator, 'agent_high', 'talking');
    // The other agent's desktop never saw a call, and the platform left it idle.
    expect(low.states).not.toContain('fetching');
    expect(await ringingPanel(low.page).count()).toBe(0);
    expect(low.snapshot().call).toBeNull();
    expect(world.emulator.store.agentStatus('agent_low')?.state).toBe('idle');

    // The best agent is busy now: the next call for the skill rings the other one.
    const lowStates = low.states.length;
    const second = queueCall(world, {
      caller: '13900007777',
      customer: { kind: 'give-up-ringing', afterSec: 0.5 },
    });
    // Seen by the window's own observer: the panel may be gone again by the time we look.
    await panelShown(low, 'ringing', '13900007777');
    expect(callRecord(world, second).agent).toBe('agent_low');
    expect(low.states.slice(lowStates)[0]).toBe('fetching');
    // The customer gives up before anyone answers: listed as missed, caller gave up.
    await ringingPanel(low.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, second)).outcome).toBe('caller-gave-up');
    const entry = low.page
      .getByRole('region', { name: '未接来电（1）' })
      .getByRole('listitem')
      .filter({ hasText: '13900007777' });
    await entry.filter({ hasText: '对方已挂断' }).waitFor();
    await entry.filter({ hasText: '平台随后将状态设为：空闲' }).waitFor();
    await announced(low.page, '空闲');
    // All the while the first call went on untouched.
    expect(callRecord(world, first).state).toBe('talking');
    expect(await talkingPanel(high.page).isVisible()).toBe(true);

    await button(high, '挂断').click();
    await talkingPanel(high.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, first)).outcome).toBe('agent-hung-up');
    await platformState(world.emulator, 'agent_high', 'idle');
    expect(high.snapshot().missed).toEqual([]);
  });
});
