/**
 * The emulator's media endpoint against a real WebRTC peer: werift offers, Debian's Chromium
 * answers in a blank page with its fake microphone, and both sides must count audio arriving
 * (Chromium's inbound-rtp, the endpoint's received packets and level); keypad tones Chromium
 * sends (RTCDTMFSender, RFC 4733) arrive as digits.
 */
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearToMulaw, mulawToLinear, ToneGenerator } from '../../../src/emulator/calls/g711';
import { MediaEndpoint } from '../../../src/emulator/calls/media-endpoint';
import { CHROMIUM_ARGS, missingSystem, SYSTEM } from '../../support/system';
import { waitFor } from '../../support/wait';

const ARGS = [
  ...CHROMIUM_ARGS,
  // The received track is played in an <audio> element (Chromium measures audio energy at playout).
  '--autoplay-policy=no-user-gesture-required',
  // Chromium gathers on loopback only when asked; its other candidates are dropped below.
  '--allow-loopback-in-peer-connection',
];

describe('G.711 μ-law', () => {
  it('round-trips samples within the codec step', () => {
    for (const sample of [0, 1, -1, 100, -100, 1000, -5000, 20000, -32768, 32767]) {
      const back = mulawToLinear(linearToMulaw(sample));
      expect(Math.abs(back - sample)).toBeLessThanOrEqual(Math.max(8, Math.abs(sample) / 16));
    }
  });

  it('makes a 440 Hz tone of the asked level', () => {
    const tone = new ToneGenerator(440, 0.3);
    const samples = [...tone.next(), ...tone.next()].map(mulawToLinear);
    const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length) / 32768;
    expect(rms).toBeGreaterThan(0.19); // 0.3 / √2 ≈ 0.21
    expect(rms).toBeLessThan(0.23);
    // 440 Hz over 40 ms: 17.6 periods, so 17 or 18 upward zero crossings.
    const upward = samples.slice(1).filter((s, i) => samples[i]! < 0 && s >= 0);
    expect(upward.length).toBeGreaterThanOrEqual(17);
    expect(upward.length).toBeLessThanOrEqual(18);
  });
});

const skip = missingSystem('chromium');

describe.skipIf(skip !== null)('media endpoint ↔ Chromium', () => {
  let browser: Browser;
  // getUserMedia needs a secure context, which http://127.0.0.1 is and about:blank is not.
  let server: Server;
  let pageUrl: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    pageUrl = `http://127.0.0.1:${address.port}/`;
    browser = await chromium.launch({ executablePath: SYSTEM.chromium, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('offers loopback-only PCMU + telephone-event, exchanges audio both ways, takes digits', async () => {
    const endpoint = new MediaEndpoint();
    const page = await browser.newPage();
    try {
      await page.goto(pageUrl);
      const offer = await endpoint.createOffer();
      expect(offer).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 101\r\n/);
      expect(offer).toContain('a=rtpmap:101 telephone-event/8000\r\n');
      expect(offer).toContain('a=setup:actpass');
      expect(offer).toContain('a=rtcp-mux');
      expect(offer).toMatch(/a=fingerprint:sha-256 /);
      const candidates = offer.match(/^a=candidate:.*$/gm) ?? [];
      expect(candidates.length).toBeGreaterThan(0);
      for (const line of candidates) expect(line).toContain(' 127.0.0.1 ');

      const answer = await page.evaluate(answerWithFakeMicrophone, offer);
      const loopbackAnswer = onlyLoopbackCandidates(answer);
      expect(loopbackAnswer).toContain(' 127.0.0.1 ');
      await endpoint.applyAnswer(loopbackAnswer);

      const inbound = await waitFor(
        () => page.evaluate(inboundAudio).then((s) => (s.packetsReceived > 50 ? s : null)),
        'Chromium receiving the tone',
        15_000,
        100,
      );
      const stats = await waitFor(
        () => (endpoint.stats().packetsReceived > 50 ? endpoint.stats() : null),
        'the endpoint receiving the fake microphone',
        15_000,
      );
      expect(inbound.codec).toBe('audio/PCMU');
      expect(inbound.totalAudioEnergy).toBeGreaterThan(0);
      expect(stats.packetsSent).toBeGreaterThan(50);
      expect(stats.bytesReceived).toBe(stats.packetsReceived * 160);
      expect(stats.receivedLevel).toBeGreaterThan(0);
      // Chromium's keypad tones: events, not audio (the level above is the microphone's).
      expect(await page.evaluate(sendDigits, '12#')).toBe(true);
      await waitFor(() => endpoint.stats().digits === '12#', 'digits 12# at the endpoint', 15_000);
      console.info(
        `[media] Chromium received ${inbound.packetsReceived} packets (energy ${inbound.totalAudioEnergy.toFixed(3)}); ` +
          `endpoint sent ${stats.packetsSent}, received ${stats.packetsReceived} (level ${stats.receivedLevel.toFixed(4)})`,
      );
    } finally {
      await page.close();
      await endpoint.close();
    }
  });
});

/** Drops every ICE candidate line that is not on 127.0.0.1, so the media stays on loopback. */
function onlyLoopbackCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.includes(' 127.0.0.1 '))
    .join('\r\n');
}

/** In the page: answer `offer` with the fake microphone, non-trickle. */
async function answerWithFakeMicrophone(offer: string): Promise<string> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  (window as unknown as { pc: RTCPeerConnection }).pc = pc;
  pc.addEventListener('track', (event) => {
    const audio = document.createElement('audio');
    audio.srcObject = new MediaStream([event.track]);
    document.body.append(audio);
    void audio.play();
  });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const transceiver = pc.getTransceivers()[0]!;
  transceiver.direction = 'sendrecv';
  await transceiver.sender.replaceTrack(stream.getAudioTracks()[0]!);
  await pc.setLocalDescription(await pc.createAnswer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
  return pc.localDescription!.sdp;
}

/** In the page: keypad tones on the audio sender, as the window sends them; false if it cannot. */
function sendDigits(digits: string): boolean {
  const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
  const dtmf = pc.getSenders().find((s) => s.track?.kind === 'audio')?.dtmf;
  if (!dtmf?.canInsertDTMF) return false;
  dtmf.insertDTMF(digits, 100, 70);
  return true;
}

/** In the page: what Chromium's inbound audio stream has seen. */
async function inboundAudio(): Promise<{
  packetsReceived: number;
  totalAudioEnergy: number;
  codec: string;
}> {
  const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
  const report = await pc.getStats();
  let found = { packetsReceived: 0, totalAudioEnergy: 0, codec: '' };
  report.forEach((entry: Record<string, unknown>) => {
    if (entry.type !== 'inbound-rtp' || entry.kind !== 'audio') return;
    const codec = report.get(entry.codecId as string) as { mimeType?: string } | undefined;
    found = {
      packetsReceived: Number(entry.packetsReceived ?? 0),
      totalAudioEnergy: Number(entry.totalAudioEnergy ?? 0),
      codec: codec?.mimeType ?? '',
    };
  });
  return found;
}
