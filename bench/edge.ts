/**
 * Edge benchmark (issue 11): calls as the platform makes them, through the site edge — the
 * emulator's edge mode (platform phone → registrar Kamailio → edge Kamailio + rtpengine → the
 * app in Chromium through the browser host). One agent takes BENCH_CALLS (default 50) calls
 * after 3 warm-ups, answers each with Enter, and the customer hangs up once audio arrived.
 *
 * - offer_to_screen: the platform phone hands the INVITE (plain RTP/AVP offer) to its UDP socket
 *   → the ringing panel is in the window's DOM. Two Kamailio hops and rtpengine's offer are in it.
 * - answer_to_first_audio: the agent answers (Enter, stamped as it is sent to the page) → the
 *   platform's plain RTP endpoint receives its first packet (through rtpengine: the window's
 *   answer, ICE and DTLS-SRTP on the desktop's leg all had to complete first).
 * - ok_sent_to_first_audio: the same first packet measured from when the app's line handed its
 *   200 OK to the WebSocket. It can be negative: media may flow before the 200 OK is out.
 * Clocks as in bench/calls.ts (page clock offset measured NTP-style and taken off).
 * Chromium gets `--allow-loopback-in-peer-connection` here as in the edge tests (loopback ICE).
 */
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import type { PanelSeen } from '../test/e2e/calls-support';
import type { RtpEndpoint } from '../src/emulator/edge/rtp-endpoint';
import { bounded, clockOffset, IDLE_SHOWN, Inbox, percentile, sipCallId } from './calls';

const CALLS = Number(process.env.BENCH_CALLS ?? 50);
const WARM_UPS = 3;
const now = () => performance.timeOrigin + performance.now();
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(): Promise<Record<string, number | string>> {
  const support = await import('../test/e2e/calls-support');
  const { DEMO_EXTENSIONS } = await import('../src/emulator/index');
  const { waitFor } = await import('../test/support/wait');
  const { silentLogger } = await import('../src/lib/ports');
  const { startEdgePlatform } = await import('../src/emulator/edge/edge-platform');
  const { RtpEndpoint } = await import('../src/emulator/edge/rtp-endpoint');

  const okSent = new Map<string, number>();
  class Stamping extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      (WebSocket.prototype.send as (...args: unknown[]) => void).call(this, data, ...rest);
      if (typeof data === 'string' && data.startsWith('SIP/2.0 200 ')) {
        const at = now();
        if (/^CSeq:\s*\d+\s+INVITE\s*$/im.test(data)) okSent.set(sipCallId(data), at);
      }
    }
  }

  let edge: Awaited<ReturnType<typeof startEdgePlatform>> | null = null;
  const world = await support.openCallsWorld({
    embeddedPlatform: async () => (edge = await startEdgePlatform(silentLogger)),
    chromiumArgs: ['--allow-loopback-in-peer-connection'],
  });
  try {
    if (!edge) throw new Error('no edge platform');
    const platform = edge as Awaited<ReturnType<typeof startEdgePlatform>>;
    const inviteSent = new Map<string, { at: number; sipCallId: string }>();
    platform.phone.onSend = (text) => {
      if (!text.startsWith('INVITE ')) return;
      const id = /^X-Emulator-Call:\s*(\S+)/im.exec(text)?.[1];
      if (id && !inviteSent.has(id)) inviteSent.set(id, { at: now(), sipCallId: sipCallId(text) });
    };
    const endpoints = new Map<string, RtpEndpoint>();
    world.emulator.calls.setMedia((callId) => {
      const endpoint = new RtpEndpoint();
      endpoints.set(callId, endpoint);
      return endpoint;
    });

    const desk = await world.openDesk({ sipLine: support.sipLineOver(Stamping) });
    const name = 'bench_edge';
    await support.signInRoutable(world, desk, {
      name,
      extension: DEMO_EXTENSIONS[0]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
    const { page } = desk;
    const shown = new Inbox<PanelSeen>();
    await page.exposeFunction('__panelShown', (seen: PanelSeen) => shown.put(seen));
    const clock = await clockOffset(() =>
      page.evaluate(() => performance.timeOrigin + performance.now()),
    );
    const ours = (pageTime: number) => pageTime - clock.offset;

    const offerToScreen: number[] = [];
    const answerToAudio: number[] = [];
    const okToAudio: number[] = [];
    const oneCall = async (n: number, measure: boolean) => {
      const caller = `1391${String(n).padStart(7, '0')}`;
      const id = world.emulator.calls.queueCall({ skill: 'sales', caller });
      const ringing = await shown.take(
        (s) => s.panel === 'ringing' && s.text.includes(caller),
        `ringing panel for ${caller}`,
      );
      const invite = inviteSent.get(id);
      if (!invite) throw new Error(`the INVITE of ${id} was not seen leaving`);
      // The panel is in the DOM a frame before it is painted; the Answer button takes the focus
      // in that frame (RingingPanel), so an agent's Enter always finds it. So does the bench's.
      await page.waitForFunction(() => document.activeElement?.textContent?.trim() === '接听');
      const answeredAt = now();
      await page.keyboard.press('Enter');
      const endpoint = endpoints.get(id);
      const firstAudio = await waitFor(
        () => endpoint?.firstPacketAt ?? null,
        `first audio of ${id} at the platform`,
        10_000,
        1,
      );
      // Audio may reach the platform before the 200 OK leaves: the window's ICE and DTLS with
      // rtpengine start as soon as it has answered, and rtpengine already knows the platform.
      const ok = await waitFor(
        () => okSent.get(invite.sipCallId),
        `the 200 OK of ${id}`,
        10_000,
        1,
      );
      world.emulator.calls.customerHangUp(id);
      await support.callEnded(world, id, 10_000);
      endpoints.delete(id);
      await waitFor(
        () =>
          desk.snapshot().call === null &&
          desk.snapshot().state === 'idle' &&
          world.emulator.store.agentStatus(name)?.state === 'idle',
        'the agent idle again',
        10_000,
        2,
      );
      await bounded(page.evaluate(IDLE_SHOWN), 'the window showing 空闲 without a call');
      if (!measure) return;
      offerToScreen.push(ours(ringing.at) - invite.at);
      answerToAudio.push(firstAudio - answeredAt);
      okToAudio.push(firstAudio - ok);
    };
    for (let n = 0; n < WARM_UPS; n++) await oneCall(n, false);
    for (let n = 0; n < CALLS; n++) await oneCall(WARM_UPS + n, true);
    return {
      calls: CALLS,
      offer_to_screen_p50_ms: round(percentile(offerToScreen, 50)),
      offer_to_screen_p99_ms: round(percentile(offerToScreen, 99)),
      answer_to_first_audio_p50_ms: round(percentile(answerToAudio, 50)),
      answer_to_first_audio_p99_ms: round(percentile(answerToAudio, 99)),
      ok_sent_to_first_audio_p50_ms: round(percentile(okToAudio, 50)),
      ok_sent_to_first_audio_min_ms: round(Math.min(...okToAudio)),
      page_clock_offset_ms: round(clock.offset, 3),
      page_clock_uncertainty_ms: round(clock.uncertainty, 3),
    };
  } finally {
    await world.close();
  }
}

// `npx tsx bench/edge.ts` (after `npx electron-vite build`): runs and prints the figures.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await run();
  console.table(figures);
  console.log(JSON.stringify(figures));
  process.exit(0);
}
