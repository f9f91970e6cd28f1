/**
 * Calls the way the real platform makes them, through the site edge: the emulator's faithful
 * mode (a platform-side phone INVITEs over UDP with a plain RTP/AVP PCMU offer, a plain RTP
 * endpoint as the customer) → a real Kamailio (the extension's registrar) → a real rtpengine
 * (plain RTP ↔ WebRTC) → the agent desktop in Chromium. One Kamailio + rtpengine for the file.
 * Only these tests give Chromium `--allow-loopback-in-peer-connection` (loopback ICE); the
 * product never sets it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, DEMO_SIP_DOMAIN } from '../../src/emulator/index';
import { sippPlainCall } from '../integration/support/sipp-plain-call';
import type { EdgePlatform } from '../../src/emulator/edge/edge-platform';
import { announced, platformState } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  callEnded,
  callRecord,
  queueCall,
  ringingPanel,
  openEdgeWorld,
  talkingPanel,
  untilSnapshot,
  windowMedia,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium', 'kamailio', 'rtpengine', 'sipp');
const NAME = 'agent_edge';

describe.skipIf(skip)(skip ?? 'calls through the edge (Kamailio + rtpengine + Chromium)', () => {
  let world: CallsWorld;
  let edge: EdgePlatform;
  let desk: Desk;

  beforeAll(async () => {
    ({ world, edge, desk } = await openEdgeWorld(NAME, DEMO_EXTENSIONS[0]!.id));
  }, 30_000);
  afterAll(async () => {
    await world?.close();
  });

  /**
   * rtpengine's own view of a call (`query`): packets it received on the desktop's WebRTC leg
   * (which it relays to the plain leg) and where the plain leg's RTP goes.
   */
  const relay = async (callId: string) => {
    type Stream = { endpoint?: { port?: number }; flags?: string[]; stats?: { packets?: number } };
    type Tag = { medias?: { protocol?: string; streams?: Stream[] }[] };
    const reply = await edge.rtpengine.query(callId);
    const legs = Object.values((reply?.tags ?? {}) as Record<string, Tag>).flatMap((tag) =>
      (tag.medias ?? []).map((media) => ({
        protocol: media.protocol ?? '',
        rtp: (media.streams ?? []).find((stream) => stream.flags?.includes('RTP')),
      })),
    );
    const webrtc = legs.find((leg) => leg.protocol.includes('SAVPF'));
    const plain = legs.find((leg) => leg.protocol === 'RTP/AVP');
    return {
      fromDesktop: webrtc?.rtp?.stats?.packets ?? 0,
      plainEndpointPort: plain?.rtp?.endpoint?.port ?? 0,
    };
  };
  const button = (name: string) => desk.page.getByRole('button', { name, exact: true });
  /** Each call starts with the agent available (the platform holds idle). */
  beforeEach(async () => {
    if (world.emulator.store.agentStatus(NAME)?.state === 'idle') return;
    await button('空闲').click();
    await platformState(world.emulator, NAME, 'idle');
  });

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

  /** Answers a fresh call from the platform and waits for audio both ways; returns its id. */
  const answeredCall = async (caller: string, reserveState = 'idle') => {
    const id = queueCall(world, { caller, reserveState });
    await ringingPanel(desk.page).waitFor();
    await button('接听').click();
    await talkingPanel(desk.page).waitFor();
    await flowing(id);
    return id;
  };
  /** Both counters grow: the window's inbound RTP and the platform endpoint's. */
  const flowing = async (id: string) => {
    const before = await counters(id);
    await waitFor(async () => {
      const now = await counters(id);
      return now.window > before.window + 10 && now.platform > before.platform + 10;
    }, 'audio flowing both ways');
  };
  const counters = async (id: string) => ({
    window: (await windowMedia(desk.page))?.packetsReceived ?? 0,
    platform: callRecord(world, id).media?.packetsReceived ?? 0,
  });

  it('hold stops audio both ways, resume brings it back; the agent hangs up', async () => {
    const id = await answeredCall('13900002222');
    await button('保持').click();
    await button('恢复通话').waitFor();
    expect(desk.snapshot().call).toMatchObject({ held: true });
    await desk.page.getByRole('status').filter({ hasText: '通话已保持' }).waitFor();
    // Held: after the packets in flight, neither side receives anything for a while.
    await new Promise((r) => setTimeout(r, 300));
    const held = await counters(id);
    await new Promise((r) => setTimeout(r, 600));
    expect(await counters(id)).toEqual(held);

    await button('恢复通话').click();
    await button('保持').waitFor();
    expect(desk.snapshot().call).toMatchObject({ held: false });
    await flowing(id);

    await button('挂断').click();
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('agent-hung-up');
    await platformState(world.emulator, NAME, 'idle');
    await waitFor(async () => (await edge.rtpengine.calls()).length === 0, 'no media session left');
  });

  it('a session refresh from the platform (re-INVITE, no SDP) keeps the audio both ways', async () => {
    // The desktop offers in its 200 and the platform answers in the ACK: through the edge each
    // is rewritten for its leg (a WebRTC offer would mean nothing to the platform).
    const id = await answeredCall('13900002323');
    expect(await world.emulator.calls.refreshMedia(id)).toBe('ok');
    expect(desk.snapshot().call).toMatchObject({ phase: 'talking' });
    await flowing(id);
    await button('挂断').click();
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('agent-hung-up');
    await platformState(world.emulator, NAME, 'idle');
  });

  it('keypad digits 1, 2, # (keyboard and buttons) reach the platform as RFC 4733 events', async () => {
    const id = await answeredCall('13900003333');
    const keypad = desk.page.getByRole('group', { name: '拨号盘' });
    await desk.page.keyboard.press('1');
    await keypad.getByRole('button', { name: '2', exact: true }).click();
    await desk.page.keyboard.press('#');
    await keypad.getByRole('status').filter({ hasText: '已发送：12#' }).waitFor();
    await waitFor(
      () => callRecord(world, id).media?.digits === '12#',
      'digits 12# at the platform',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(callRecord(world, id).media?.digits).toBe('12#');
    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await callEnded(world, id);
    await platformState(world.emulator, NAME, 'idle');
  });

  it('CANCEL while ringing leaves no media session on rtpengine', async () => {
    const id = queueCall(world, { caller: '13900004444' });
    await ringingPanel(desk.page).waitFor();
    await waitFor(
      async () => (await edge.rtpengine.calls()).length === 1,
      'the offer on rtpengine',
    );
    expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
    await ringingPanel(desk.page).waitFor({ state: 'detached' });
    expect((await callEnded(world, id)).outcome).toBe('caller-gave-up');
    await waitFor(async () => (await edge.rtpengine.calls()).length === 0, 'no media session left');
    await platformState(world.emulator, NAME, 'idle');
  });

  it('ring timeout: the platform CANCELs with Reason 408, a missed call with the reserve state', async () => {
    const id = queueCall(world, {
      caller: '13900006666',
      ringTimeoutSec: 1,
      reserveState: 'away/未接',
    });
    expect((await callEnded(world, id)).outcome).toBe('missed-timeout');
    await untilSnapshot(desk, 'the missed call', (s) =>
      s.missed.find((m) => m.caller === '13900006666' && m.reason === 'timeout'),
    );
    await platformState(world.emulator, NAME, 'away/未接');
    await waitFor(async () => (await edge.rtpengine.calls()).length === 0, 'no media session left');
  });

  it('sipp calls with a plain RTP/AVP offer and plays G.711: the agent answers, RTP reaches sipp', async () => {
    const ext = DEMO_EXTENSIONS[0]!;
    const call = await sippPlainCall(
      edge.kamailio.udpAddress,
      ext.sipUser,
      DEMO_SIP_DOMAIN,
      '02161234567',
    );
    try {
      await ringingPanel(desk.page).filter({ hasText: '02161234567' }).waitFor();
      await button('接听').click();
      await talkingPanel(desk.page).waitFor();
      // sipp's sample arrives in the window, and the window's audio leaves rtpengine for sipp.
      await waitFor(
        async () => ((await windowMedia(desk.page))?.packetsReceived ?? 0) > 20,
        'sipp audio in the window',
      );
      const seen = await waitFor(async () => {
        const counters = await relay(call.callId);
        return counters.fromDesktop > 20 ? counters : null;
      }, "the desktop's RTP relayed towards sipp");
      expect(seen.plainEndpointPort).toBe(call.mediaPort);
      await button('挂断').click();
      const run = await call.exited;
      expect(run.code, run.output).toBe(0);
      await waitFor(
        async () => (await edge.rtpengine.calls()).length === 0,
        'no media session left',
      );
    } finally {
      await call.dispose();
    }
  });

  // Last: it stops the relay for good.
  it('relay down: the call never rings, is refused (500 Media Relay Unavailable) and listed as missed with the reason', async () => {
    await edge.rtpengine.stop();
    const id = queueCall(world, { caller: '13900005555', reserveState: 'away/未接' });
    const record = await callEnded(world, id);
    expect(record.outcome).toBe('failed');
    expect(record.detail).toBe('500 Media Relay Unavailable');
    const missed = desk.page.getByRole('region', { name: /^未接来电/ });
    await missed.getByRole('listitem').filter({ hasText: '媒体中继不可用' }).waitFor();
    expect(desk.snapshot().missed).toContainEqual(
      expect.objectContaining({ caller: '13900005555', reason: 'no-media' }),
    );
    // The platform did hold the agent in fetching meanwhile (the read-back may show it); the
    // window never rang: no ringing panel ever entered the DOM for this caller.
    expect(desk.snapshot().call).toBeNull();
    expect(
      await desk.page.evaluate(() =>
        window.__panelsSeen?.some((p) => p.text.includes('13900005555')),
      ),
    ).toBe(false);
    await platformState(world.emulator, NAME, 'away/未接');
  });
});
