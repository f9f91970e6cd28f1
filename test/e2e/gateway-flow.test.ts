/**
 * Desktop → gateway → platform, end to end in Chromium (issue 12): the agent signs in with
 * their password through the site's gateway, changes state, takes a call (rung over the demo
 * platform's SIP registrar with credentials the gateway handed out), and signs out. The desktop
 * never holds the account key; the gateway audits every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announced, platformState } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import { EXT, PASSWORDS, startRig, type Rig } from '../gateway/helpers';
import { callEnded, openCallsWorld, queueCall, ringingPanel, talkingPanel } from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium');

describe.skipIf(skip)(skip ?? 'desktop through the agent gateway (Chromium)', () => {
  let world: CallsWorld;
  let rig: Rig;
  let desk: Desk;

  beforeAll(async () => {
    world = await openCallsWorld();
    rig = await startRig({ emulator: world.emulator, ratePerSec: 0 });
    desk = await world.openDesk({
      env: { AGENT_DESKTOP_GATEWAY_URL: rig.gateway.origin },
      settings: { sipWsUrl: world.emulator.sipWsUrl },
      keepaliveMs: 1_000,
    });
  });
  afterAll(async () => {
    await rig?.close();
    await world?.close();
  });

  const button = (name: string) => desk.page.getByRole('button', { name, exact: true });

  it('signs in with the password, changes state, takes a call and signs out', async () => {
    const { page } = desk;
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    expect(await page.getByText('本机保存了平台账号密钥').count()).toBe(0);
    await page.getByRole('textbox', { name: '座席名' }).fill('alice');
    // No extension chosen: before sign-in the gateway lists none; it assigns alice's own.
    await page.getByRole('combobox', { name: '签入后状态' }).selectOption({ label: '空闲' });
    // A wrong password first: the gateway's refusal is said, nothing reaches the platform.
    await page.getByLabel('密码').fill('wrong-password');
    await button('签入').click();
    await page.getByRole('alert').filter({ hasText: '座席名或密码错误' }).waitFor();
    expect(world.emulator.store.agentStatus('alice')).toBeNull();

    await page.getByLabel('密码').fill(PASSWORDS.alice);
    await button('签入').click();
    await page.getByRole('heading', { name: '当前状态' }).waitFor();
    await platformState(world.emulator, 'alice', 'idle');
    expect(world.emulator.store.getAgent('alice').data?.extension).toBe(
      [EXT[0]!, EXT[1]!].sort()[0],
    );
    await waitFor(
      () => desk.snapshot().sip.state === 'registered',
      'SIP registered with the gateway-given password',
    );
    expect(desk.snapshot().access).toEqual({ mode: 'gateway', signInNeeded: false });

    await button('忙碌').click();
    await page.getByRole('menuitem', { name: '会议', exact: true }).click();
    await platformState(world.emulator, 'alice', 'busy/会议');
    await button('空闲').click();
    await platformState(world.emulator, 'alice', 'idle');
    await announced(page, '空闲');

    // Skills are the supervisor's here: set on the platform directly.
    expect(
      world.emulator.store.updateSkills('alice', [
        { opt: 1, name: 'sales', score: 5, enabled: true },
      ]).code,
    ).toBe('000000');
    const id = queueCall(world, { caller: '13900003333', reserveState: 'busy/整理' });
    await ringingPanel(page).waitFor();
    await button('接听').click();
    await talkingPanel(page).waitFor();
    await platformState(world.emulator, 'alice', 'talking');
    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    expect((await callEnded(world, id)).outcome).toBe('customer-hung-up');
    await platformState(world.emulator, 'alice', 'busy/整理');

    // Keepalives go through the gateway too (every second here): wait for one on record.
    await waitFor(async () => {
      const rows = await rig.store.listAudit({ agent: 'alice', limit: 200 });
      return rows.some((r) => r.action === 'keepalive');
    }, 'a keepalive through the gateway in the audit');

    await button('签出').click();
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    await waitFor(
      () => world.emulator.store.agentStatus('alice') === null || undefined,
      'logged out on the platform',
    );

    const secret = world.emulator.credentials!.secretKey;
    expect(await page.content()).not.toContain(secret);
    // The audit is written in batches (every 100 ms): wait for the sign-out's rows.
    const audit = await waitFor(async () => {
      const rows = await rig.store.listAudit({ agent: 'alice', limit: 200 });
      return rows.some((r) => r.action === 'sign-out') ? rows : null;
    }, 'the sign-out in the audit log');
    // The gateway token is revoked with the sign-out.
    expect(await rig.store.revokeAgentSessions('alice')).toBe(0);
    for (const action of [
      'sign-in',
      'login',
      'state',
      'keepalive',
      'get-extension',
      'logout',
      'sign-out',
    ]) {
      expect(
        audit.map((r) => r.action),
        action,
      ).toContain(action);
    }
  });
});
