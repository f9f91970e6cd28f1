/**
 * The site edge's Kamailio restarts while the agent talks to a customer, the way the real
 * platform calls (the emulator's edge mode: a platform-side phone over UDP, plain RTP at the
 * customer, a real Kamailio registrar, the edge's Kamailio + rtpengine, the app in Chromium).
 * The audio never passed through Kamailio's WebSocket, so it must go on both ways while the
 * edge is down; the SIP line registers again on the new Kamailio without cutting the call, and
 * a hang-up afterwards reaches the other side, either way: the agent's goes along the call's
 * route, and the customer's follows the Contact of the line's re-INVITE from its new connection
 * (a target refresh, RFC 3261 §12.2). Only this file and edge-calls give Chromium loopback ICE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/ports';
import { DEMO_EXTENSIONS, DEMO_SIP_DOMAIN } from '../../src/emulator/index';
import type { EdgePlatform } from '../../src/emulator/edge/edge-platform';
import { startKamailio, type RunningKamailio } from '../../src/emulator/sip/kamailio';
import type { SipDirectory } from '../../src/emulator/sip-directory';
import { platformState } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  callEnded,
  callRecord,
  openEdgeWorld,
  queueCall,
  ringingPanel,
  talkingPanel,
  windowMedia,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium', 'kamailio', 'rtpengine');
const NAME = 'agent_edge_outage';
const NO_ACCOUNTS: SipDirectory = {
  lookup: () => null,
  accounts: () => [],
  setRegistration() {},
  onAccountsChanged: () => () => {},
};

describe.skipIf(skip)(
  skip ?? 'a call while the edge restarts (Chromium, Kamailio, rtpengine)',
  () => {
    let world: CallsWorld;
    let edge: EdgePlatform;
    let desk: Desk;
    let restarted: RunningKamailio | null = null;

    /** Stops the edge's Kamailio (while the call talks), then starts one on the same ports. */
    const restartEdge = async (id: string) => {
      const old = restarted ?? edge.edge.kamailio;
      const wsPort = Number(new URL(old.wsUrl).port);
      const udpPort = Number(old.udpAddress.split(':')[1]);
      await old.stop();
      restarted = null;
      await waitFor(() => desk.snapshot().sip.state !== 'registered', 'the line sees the edge go');
      // The edge is down: the agent still talks to the customer, both ways.
      await flowing(id, 'audio both ways while the edge is down');
      expect(desk.snapshot().call?.phase).toBe('talking');
      restarted = await startKamailio({
        directory: NO_ACCOUNTS,
        domain: DEMO_SIP_DOMAIN,
        logger: silentLogger,
        platform: edge.kamailio.udpAddress,
        rtpengine: edge.rtpengine.ngSocket,
        wsPort,
        udpPort,
        pollMs: 60_000,
      });
      await waitFor(() => desk.snapshot().sip.state === 'registered', 'registered again', 10_000);
      await flowing(id, 'audio both ways after the restart');
      expect(callRecord(world, id).state).toBe('talking');
      await platformState(world.emulator, NAME, 'talking');
    };
    /** A call from the platform, answered and talking both ways. */
    const talking = async (caller: string) => {
      const id = queueCall(world, { caller });
      await ringingPanel(desk.page).waitFor();
      await desk.page.getByRole('button', { name: '接听', exact: true }).click();
      await talkingPanel(desk.page).waitFor();
      await flowing(id, 'audio both ways before the restart');
      return id;
    };

    beforeAll(async () => {
      ({ world, edge, desk } = await openEdgeWorld(NAME, DEMO_EXTENSIONS[1]!.id));
    }, 30_000);
    afterAll(async () => {
      await restarted?.stop();
      await world?.close();
    });

    const counters = async (id: string) => ({
      window: (await windowMedia(desk.page))?.packetsReceived ?? 0,
      platform: callRecord(world, id).media?.packetsReceived ?? 0,
    });
    /** Both counters grow by more than 10 packets (20 ms each). */
    const flowing = async (id: string, what: string) => {
      const before = await counters(id);
      await waitFor(async () => {
        const now = await counters(id);
        return now.window > before.window + 10 && now.platform > before.platform + 10;
      }, what);
    };

    it('keeps the call talking both ways through the restart; the agent’s hang-up reaches the customer', async () => {
      const id = await talking('13900003333');
      await restartEdge(id);

      // The agent hangs up: the BYE goes along the call's route, through the new edge.
      await desk.page.getByRole('button', { name: '挂断', exact: true }).click();
      await talkingPanel(desk.page).waitFor({ state: 'detached', timeout: 5_000 });
      expect((await callEnded(world, id)).outcome).toBe('agent-hung-up');
      expect(desk.snapshot().droppedCall ?? null).toBeNull();
    });

    it('after the restart the customer’s hang-up reaches the agent', async () => {
      await platformState(world.emulator, NAME, 'idle');
      const id = await talking('13900004444');
      await restartEdge(id);

      expect(world.emulator.calls.customerHangUp(id)).toBe('ok');
      await talkingPanel(desk.page).waitFor({ state: 'detached', timeout: 5_000 });
      expect((await callEnded(world, id)).outcome).toBe('customer-hung-up');
      expect(desk.snapshot().droppedCall ?? null).toBeNull();
    });
  },
);
