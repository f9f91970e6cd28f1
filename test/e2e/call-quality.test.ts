/**
 * The call-quality light in Chromium: the real window answers a call from the demo platform
 * whose customer media endpoint is reached through a UDP relay this test starts (both sides'
 * candidates are rewritten to the relay's port). Clean at first, the light shows good; then the
 * relay drops 10 % of packets and delays each 150 ± 50 ms, and the light goes poor with a MOS in
 * the E-model's range for those figures. Then the customer's media endpoint stops mid-call and
 * the window says "no audio received" (quality light and readiness light), and main keeps the
 * call's worst figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { startDemoPlatform } from '../../src/emulator/demo-platform';
import { MediaEndpoint } from '../../src/emulator/calls/media-endpoint';
import { silentLogger } from '../../src/lib/ports';
import { estimateMos } from '../../src/shared/audio/e-model';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import { CLEAN, LossyRelay, firstCandidate, throughRelay } from '../support/lossy-relay';
import { openCallsWorld, queueCall, signInRoutable, talkingPanel } from './calls-support';
import type { MediaSession } from '../../src/emulator/calls/media-endpoint';
import type { CallsWorld, Desk } from './calls-support';
import type { Page } from 'playwright-core';

const skip = missingSystem('chromium');
const NAME = 'agent_quality';

/** The customer's endpoint, reached only through the relay. */
class RelayedMedia implements MediaSession {
  readonly endpoint = new MediaEndpoint();
  constructor(private readonly relay: LossyRelay) {}
  async createOffer(): Promise<string> {
    const sdp = await this.endpoint.createOffer();
    const real = firstCandidate(sdp);
    this.relay.towards(real.address, real.port);
    return throughRelay(sdp, this.relay.port);
  }
  applyAnswer(sdp: string): Promise<void> {
    return this.endpoint.applyAnswer(throughRelay(sdp, this.relay.port));
  }
  stats() {
    return this.endpoint.stats();
  }
  close() {
    return this.endpoint.close();
  }
}

interface Reading {
  sample: { mos: number; lossPercent: number; jitterMs: number; rttMs: number | null } | null;
  noAudio: boolean;
}
function reading(page: Page): Promise<Reading | null> {
  return page.evaluate(
    () =>
      (
        window as unknown as { agentDesktopDebug?: { quality(): { reading: Reading | null } } }
      ).agentDesktopDebug?.quality().reading ?? null,
  );
}
const lightClass = (page: Page) =>
  page
    .locator('[data-testid=quality-light]')
    .getAttribute('class', { timeout: 1000 })
    .catch(() => null);

describe.skipIf(skip)(skip ?? 'call quality light (Chromium, lossy relay)', () => {
  let world: CallsWorld;
  let desk: Desk;
  let relay: LossyRelay;
  let media: RelayedMedia | null = null;

  beforeAll(async () => {
    relay = await LossyRelay.start();
    world = await openCallsWorld({
      embeddedPlatform: () =>
        startDemoPlatform(silentLogger, { callMedia: () => (media = new RelayedMedia(relay)) }),
    });
    desk = await world.openDesk();
    await signInRoutable(world, desk, {
      name: NAME,
      extension: DEMO_EXTENSIONS[2]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await relay?.close();
  });

  async function talk(): Promise<{ id: string; callId: string }> {
    relay.impairment = CLEAN;
    const id = queueCall(world, { caller: '13900005555', customer: { kind: 'wait-for-agent' } });
    await desk.page.getByRole('button', { name: '接听', exact: true }).click();
    await talkingPanel(desk.page).waitFor();
    const callId = desk.snapshot().call!.id;
    await waitFor(async () => (await lightClass(desk.page))?.includes('good'), 'the light good');
    return { id, callId };
  }

  async function end(id: string): Promise<void> {
    world.emulator.calls.customerHangUp(id);
    await talkingPanel(desk.page).waitFor({ state: 'detached' });
    if (world.emulator.store.agentStatus(NAME)?.state !== 'idle') {
      await desk.page.getByRole('button', { name: '空闲', exact: true }).click();
      await waitFor(() => world.emulator.store.agentStatus(NAME)?.state === 'idle', 'idle');
    }
  }

  it('goes from good to poor on a lossy, jittery path, with the E-model’s MOS', async () => {
    const { id, callId } = await talk();
    expect(relay.counts.forwarded).toBeGreaterThan(0);
    relay.impairment = { loss: 0.1, delayMs: 150, jitterMs: 50 };
    await waitFor(
      async () => (await lightClass(desk.page))?.includes('poor'),
      'the light poor',
      20_000,
    );
    // A few seconds of samples on the impaired path: their mean MOS is the E-model's for ~10 %
    // loss and a one-way delay of 150 ms (network) plus jitter buffer, i.e. well inside
    // [MOS(600 ms, 15 %), MOS(150 ms, 7 %)].
    const moses: number[] = [];
    const losses: number[] = [];
    await waitFor(
      async () => {
        const r = await reading(desk.page);
        if (r?.sample) {
          moses.push(r.sample.mos);
          losses.push(r.sample.lossPercent);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return moses.length >= 5;
      },
      'five samples',
      20_000,
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses)).toBeGreaterThan(4);
    expect(mean(losses)).toBeLessThan(18);
    expect(mean(moses)).toBeGreaterThan(estimateMos({ oneWayDelayMs: 600, lossPercent: 15 }));
    expect(mean(moses)).toBeLessThan(estimateMos({ oneWayDelayMs: 150, lossPercent: 7 }));
    await desk.page.getByText('网络正在丢包').first().waitFor();
    await end(id);
    const kept = await waitFor(
      () => desk.core.calls?.qualityOf(callId)?.final && desk.core.calls.qualityOf(callId),
      'the final quality report in main',
    );
    expect(kept.worst.minMos).toBeLessThan(3.6);
    expect(kept.worst.maxLossPercent).toBeGreaterThan(4);
  }, 90_000);

  it('says "no audio received" when the customer’s media stops mid-call', async () => {
    const { id, callId } = await talk();
    await media!.endpoint.close();
    await desk.page.getByText('没有收到对方的声音').waitFor({ timeout: 10_000 });
    await desk.page.getByText('当前通话没有收到声音').waitFor();
    await waitFor(() => desk.core.calls?.qualityOf(callId)?.noAudio, 'main told');
    await end(id);
    expect(desk.core.calls?.qualityOf(callId)?.worst.longestSilenceMs).toBeGreaterThanOrEqual(3000);
  }, 60_000);

  it('auto-answer: a routed call is answered by itself after the delay, with a countdown', async () => {
    relay.impairment = CLEAN;
    expect(
      (await desk.core.dispatch('settings:update', { autoAnswer: true, autoAnswerDelaySeconds: 2 }))
        .ok,
    ).toBe(true);
    try {
      await desk.page.getByText('自动接听已开启').waitFor();
      const id = queueCall(world, { caller: '13900006666', customer: { kind: 'wait-for-agent' } });
      await desk.page.getByText(/秒后自动接听/).waitFor();
      const ringing = desk.snapshot().call!;
      expect(ringing.phase).toBe('ringing');
      await talkingPanel(desk.page).waitFor({ timeout: 6_000 });
      expect(Date.now()).toBeGreaterThanOrEqual(ringing.autoAnswerAt! - 50);
      expect(ringing.autoAnswerAt! - ringing.ringingSince).toBeGreaterThanOrEqual(2000);
      await end(id);
    } finally {
      await desk.core.dispatch('settings:update', { autoAnswer: false });
    }
  }, 30_000);
});
