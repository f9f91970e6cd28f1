/**
 * Calls the way the real platform makes them, through the site edge: the emulator's faithful
 * mode (a platform-side phone INVITEs over UDP with a plain RTP/AVP PCMU offer, a plain RTP
 * endpoint as the customer) → a real Kamailio (the extension's registrar) → a real rtpengine
 * (plain RTP ↔ WebRTC) → the agent desktop in Chromium. One Kamailio + rtpengine for the file.
 * Only these tests give Chromium `--allow-loopback-in-peer-connection` (loopback ICE); the
 * product never sets it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/ports';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { startEdgePlatform, type EdgePlatform } from '../../src/emulator/edge/edge-platform';
import { announced, platformState } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  callEnded,
  callRecord,
  queueCall,
  ringingPanel,
  openCallsWorld,
  signInRoutable,
  talkingPanel,
  windowMedia,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium', 'kamailio', 'rtpengine');
const NAME = 'agent_edge';

describe.skipIf(skip)(skip ?? 'calls through the edge (Kamailio + rtpengine + Chromium)', () => {
  let world: CallsWorld;
  let edge: EdgePlatform;
  let desk: Desk;

  beforeAll(async () => {
    world = await openCallsWorld({
      embeddedPlatform: async () => (edge = await startEdgePlatform(silentLogger)),
      chromiumArgs: ['--allow-loopback-in-peer-connection'],
    });
    desk = await world.openDesk();
    await signInRoutable(world, desk, {
      name: NAME,
      extension: DEMO_EXTENSIONS[0]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
  }, 30_000);
  afterAll(async () => {
    await world?.close();
  });

  const button = (name: string) => desk.page.getByRole('button', { name, exact: true });

  it('a platform call rings, is answered, talks both ways, and the customer hangs up', async () => {
    const { page } = desk;
    const id = queueCall(world, { caller: '13900001111', reserveState: 'busy/整理' });
    const ringing = ringingPanel(page);
    await ringing.waitFor();
    expect(await ringing.textContent()).toContain('13900001111');
    await platformState(world.emulator, NAME, 'fetching');
    await button('接听').click();
    await talkingPanel(page).waitFor();
    await platformState(world.emulator, NAME, 'talking');
    const stats = await waitFor(async () => {
      const s = await windowMedia(page);
      return s && s.connectionState === 'connected' && s.packetsReceived > 20 ? s : null;
    }, 'inbound RTP in the window');
    expect(stats.codec).toBe('audio/PCMU');
    await waitFor(
      () => (callRecord(world, id).media?.packetsReceived ?? 0) > 20,
      'RTP from the agent at the platform endpoint',
    );
    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await talkingPanel(page).waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('customer-hung-up');
    await announced(page, '忙碌 · 整理');
    await waitFor(async () => (await edge.rtpengine.calls()).length === 0, 'no media session left');
  });
});
