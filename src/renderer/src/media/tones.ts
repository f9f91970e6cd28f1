/**
 * Short tones on a chosen output: the auto-answer alert before a call connects, and the audio
 * check's "play a test sound". Each play makes its own WebAudio graph and closes it when done,
 * so nothing is held between plays. An unusable device falls back to the system default and
 * says so (the audio check names the fallback).
 */
import { isDefaultDevice, sinkOf } from './ports';
import type { MediaPorts } from './ports';

/** One beep: frequency (Hz), start and end (s from now). */
export type Beep = readonly [number, number, number];

/** Two quick high beeps: "a call is about to connect by itself". */
export const ALERT_TONE: readonly Beep[] = [
  [880, 0, 0.12],
  [1320, 0.18, 0.3],
];
/** A clear 1 s rising chord for the speaker check. */
export const TEST_TONE: readonly Beep[] = [
  [440, 0, 0.3],
  [554.37, 0.35, 0.65],
  [659.25, 0.7, 1.0],
];
const LEVEL = 0.25;

export type ToneOutcome =
  | { kind: 'played'; deviceId: string }
  | { kind: 'fallback'; deviceId: string; chosen: string }
  | { kind: 'blocked' }
  | { kind: 'unavailable' };

/**
 * Plays `beeps` on `deviceId` ('default' = system); resolves when they are over, or at once when
 * `until` settles first (a call rang during the audio check: the tone stops there).
 */
export async function playTone(
  ports: MediaPorts,
  deviceId: string,
  beeps: readonly Beep[],
  until?: Promise<unknown>,
): Promise<ToneOutcome> {
  const context = ports.createAudioContext();
  if (!context) return { kind: 'unavailable' };
  let cut = false;
  void until?.then(() => (cut = true));
  const destination = context.createMediaStreamDestination();
  const audio = ports.createAudio();
  audio.srcObject = destination.stream;
  let outcome: ToneOutcome = { kind: 'played', deviceId };
  if (audio.setSinkId) {
    try {
      await audio.setSinkId(sinkOf(deviceId));
    } catch {
      if (!isDefaultDevice(deviceId)) {
        await audio.setSinkId('').catch(() => undefined);
        outcome = { kind: 'fallback', deviceId: 'default', chosen: deviceId };
      }
    }
  }
  const t0 = context.currentTime + 0.05;
  const end = Math.max(...beeps.map(([, , e]) => e));
  for (const [frequency, start, stop] of beeps) {
    const gain = context.createGain();
    gain.gain.setValueAtTime(0, t0 + start);
    gain.gain.linearRampToValueAtTime(LEVEL, t0 + start + 0.01);
    gain.gain.setValueAtTime(LEVEL, t0 + stop - 0.01);
    gain.gain.linearRampToValueAtTime(0, t0 + stop);
    gain.connect(destination);
    const osc = context.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start(t0 + start);
    osc.stop(t0 + stop);
  }
  try {
    await context.resume().catch(() => undefined);
    if (!cut) await audio.play();
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (!cut)
      await Promise.race([
        new Promise((resolve) => (timer = setTimeout(resolve, (end + 0.1) * 1000))),
        ...(until ? [until] : []),
      ]);
    clearTimeout(timer);
  } catch {
    outcome = { kind: 'blocked' };
  } finally {
    audio.pause();
    audio.srcObject = null;
    void context.close().catch(() => undefined);
  }
  return outcome;
}
