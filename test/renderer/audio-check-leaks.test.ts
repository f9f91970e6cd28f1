/**
 * The audio check lets go of what it opens: a microphone opened after Settings closed, a double
 * click on the meter, the ringtone check's audio context, a check running when a call comes in,
 * and the microphone health an earlier call's failure left behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AudioCheck,
  ECHO_RECORD_MS,
  RINGTONE_CHECK_MS,
} from '../../src/renderer/src/media/audio-check';
import { signedInSnapshot } from './fake-api';
import { CallsApi, DEVICES, OFFER, mountCalls, ringingSnapshot, settle } from './calls-support';
import { click, getByRole } from './queries';
import type { CheckContext } from './audio-check-support';
import { CheckPorts, FakeRecorder } from './audio-check-support';

class FakePlayer {
  static played: FakePlayer[] = [];
  src = '';
  paused = true;
  onended: (() => void) | null = null;
  onerror: (() => void) | null = null;
  async setSinkId(): Promise<void> {}
  async play(): Promise<void> {
    this.paused = false;
    FakePlayer.played.push(this);
  }
  pause(): void {
    this.paused = true;
  }
}

beforeEach(() => {
  FakeRecorder.all = [];
  FakePlayer.played = [];
  vi.stubGlobal('MediaRecorder', FakeRecorder);
  vi.stubGlobal('Audio', FakePlayer);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function checkOn(ports: CheckPorts, onLevel: (level: number) => void = () => undefined) {
  return new AudioCheck({ ports, device: () => 'default', onLevel });
}

describe('the microphone meter', () => {
  it('closes a microphone that opens after Settings was left, and stops metering', async () => {
    vi.useFakeTimers();
    const ports = new CheckPorts();
    const { grant } = ports.gate();
    const levels: number[] = [];
    const check = checkOn(ports, (level) => levels.push(level));
    const started = check.startMeter();
    check.dispose();
    grant();
    await started;
    await vi.advanceTimersByTimeAsync(1000);
    expect(ports.microphones).toHaveLength(1);
    expect(ports.liveTracks).toBe(0);
    expect(ports.openContexts).toBe(0);
    expect(levels.filter((level) => level > 0)).toEqual([]);
  });

  it('keeps one microphone open when Start is clicked twice', async () => {
    const ports = new CheckPorts();
    const { grant } = ports.gate();
    const check = checkOn(ports);
    const first = check.startMeter();
    const second = check.startMeter();
    grant();
    await Promise.all([first, second]);
    expect(ports.liveTracks).toBe(1);
    expect(check.stopMeter()?.verdict.kind).toBe('mic-silent');
    expect(ports.liveTracks).toBe(0);
    expect(ports.openContexts).toBe(0);
  });
});

describe('the ringtone check', () => {
  it('closes its audio context when the check ends', async () => {
    vi.useFakeTimers();
    const ports = new CheckPorts();
    const check = checkOn(ports);
    for (let i = 0; i < 3; i++) {
      const done = check.ringtone();
      await vi.advanceTimersByTimeAsync(RINGTONE_CHECK_MS + 100);
      expect((await done)?.verdict.kind).toBe('ringer-ok');
    }
    expect(ports.contexts.length).toBeGreaterThan(0);
    expect(ports.openContexts).toBe(0);
  });
});

/** The app on Settings with the audio check's doubles; a call can then ring. */
async function onSettings(ports = new CheckPorts()) {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  const mounted = await mountCalls(api, { ports });
  await click(getByRole('button', { name: '设置' }));
  await settle();
  return { ...mounted, ports };
}
const step = (id: string) => document.querySelector<HTMLButtonElement>(`[data-step=${id}]`)!;

describe('a call coming in during the audio check', () => {
  it('stops the microphone meter at once', async () => {
    const { api, ports } = await onSettings();
    await click(step('mic'));
    await settle();
    expect(step('mic').textContent).toContain('停止');
    expect(ports.liveTracks).toBe(1);
    api.push(ringingSnapshot());
    await settle();
    expect(ports.liveTracks).toBe(0);
    expect(step('mic').textContent).toContain('测试麦克风');
  });

  it('stops the echo test recording and never plays it back into the call', async () => {
    const { api, ports } = await onSettings();
    vi.useFakeTimers();
    step('echo').click();
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeRecorder.all[0]?.state).toBe('recording');
    api.push(ringingSnapshot());
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeRecorder.all[0]!.state).toBe('inactive');
    expect(ports.liveTracks).toBe(0);
    await vi.advanceTimersByTimeAsync(ECHO_RECORD_MS + 3000);
    expect(FakePlayer.played).toEqual([]);
    expect(document.querySelector('[data-testid=echo-phase]')).toBeNull();
  });

  it('stops the echo test’s playback at once', async () => {
    const { api } = await onSettings();
    vi.useFakeTimers();
    step('echo').click();
    await vi.advanceTimersByTimeAsync(ECHO_RECORD_MS + 100);
    expect(FakePlayer.played[0]?.paused).toBe(false);
    api.push(ringingSnapshot());
    await vi.advanceTimersByTimeAsync(0);
    expect(FakePlayer.played[0]!.paused).toBe(true);
  });

  it('stops the ringtone check, so only the call rings', async () => {
    const { api, ports } = await onSettings();
    vi.useFakeTimers();
    step('ringer').click();
    await vi.advanceTimersByTimeAsync(100);
    const checkRing = ports.contexts[0] as CheckContext;
    expect(checkRing.audible).toBe(true);
    api.push(ringingSnapshot());
    await vi.advanceTimersByTimeAsync(0);
    expect(checkRing.audible).toBe(false);
    expect(checkRing.closed).toBe(true);
  });
});

describe('microphone health after a failed call', () => {
  /** A call whose microphone would not open, then over: main was told the mic is broken. */
  async function afterFailedCall() {
    const ports = new CheckPorts();
    const working = ports.openMicrophone;
    ports.openMicrophone = () =>
      Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ phase: 'answering' });
    await mountCalls(api, { ports });
    api.pushMedia({ requestId: 'r1', callId: 'c1', kind: 'answer-offer', sdp: OFFER });
    await settle();
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
    api.push(signedInSnapshot());
    await settle();
    return { api, ports, plugBack: () => (ports.openMicrophone = working) };
  }

  it('is reported ok again once the audio check hears the microphone', async () => {
    const { api, ports, plugBack } = await afterFailedCall();
    plugBack();
    await click(getByRole('button', { name: '设置' }));
    await settle();
    await click(step('mic'));
    await new Promise((resolve) => setTimeout(resolve, 250));
    await click(step('mic'));
    await settle();
    expect(document.querySelector('[data-verdict=mic]')?.textContent).toContain('麦克风正常');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
    expect(ports.liveTracks).toBe(0);
  });

  it('is reported ok again once the echo test hears the microphone', async () => {
    const { api, plugBack } = await afterFailedCall();
    plugBack();
    await click(getByRole('button', { name: '设置' }));
    await settle();
    vi.useFakeTimers();
    step('echo').click();
    await vi.advanceTimersByTimeAsync(2 * ECHO_RECORD_MS + 3000);
    expect(document.querySelector('[data-verdict=echo]')?.textContent).toContain('已录音');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
  });

  it('is reported ok again when a plugged-in microphone opens', async () => {
    const { api, ports, plugBack } = await afterFailedCall();
    plugBack();
    ports.changeDevices(DEVICES);
    await settle();
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
    expect(ports.liveTracks).toBe(0);
  });

  it('stays broken when the microphone still does not open after a device change', async () => {
    const { api, ports } = await afterFailedCall();
    const reports = api.callsOf('reportMicrophone').length;
    ports.changeDevices(DEVICES);
    await settle();
    expect(api.callsOf('reportMicrophone').slice(reports)).not.toContainEqual(['ok']);
  });

  it('is reported broken when every microphone is unplugged while idle', async () => {
    const ports = new CheckPorts();
    const api = new CallsApi();
    api.snapshot = signedInSnapshot();
    await mountCalls(api, { ports });
    ports.changeDevices(DEVICES.filter((d) => d.kind !== 'audioinput'));
    await settle();
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
  });
});
