/**
 * The audio check when something fails: the agent reads why in their own language, the readiness
 * light turns red for a microphone the check cannot open, a busy chosen microphone falls back to
 * the default as calls do, playback that fails is never "you should have heard yourself", and
 * nothing keeps the microphone or plays on once the window is hidden or a call rings.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioCheck, ECHO_RECORD_MS } from '../../src/renderer/src/media/audio-check';
import { signedInSnapshot } from './fake-api';
import {
  CallsApi,
  DEVICES,
  FakeStream,
  FakeTrack,
  mountCalls,
  ringingSnapshot,
  settle,
} from './calls-support';
import { click, getByRole, textIn } from './queries';
import { CheckPorts, FakeRecorder } from './audio-check-support';

/** A player whose recording cannot be decoded: play() starts, then the element errors. */
class BrokenPlayer {
  src = '';
  onended: (() => void) | null = null;
  onerror: (() => void) | null = null;
  async setSinkId(): Promise<void> {}
  async play(): Promise<void> {
    setTimeout(() => this.onerror?.(), 10);
  }
  pause(): void {}
}

beforeEach(() => {
  vi.stubGlobal('MediaRecorder', FakeRecorder);
  vi.stubGlobal('Audio', BrokenPlayer);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const denied = () => new DOMException('Permission denied by system', 'NotAllowedError');
const busy = () => new DOMException('Could not start audio source', 'NotReadableError');
const exactOf = (c: MediaStreamConstraints) =>
  ((c.audio as MediaTrackConstraints).deviceId as { exact?: string } | undefined)?.exact ??
  'default';

async function onSettings(ports = new CheckPorts(), microphoneDeviceId = 'default') {
  ports.devices = [...DEVICES];
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  api.settings.settings = { ...api.settings.settings, microphoneDeviceId };
  const mounted = await mountCalls(api, { ports });
  await click(getByRole('button', { name: '设置' }));
  await settle();
  return { ...mounted, ports };
}
const step = (id: string) => document.querySelector<HTMLButtonElement>(`[data-step=${id}]`)!;
const verdict = (id: string) =>
  document.querySelector(`[data-verdict=${id}]`)?.textContent?.trim() ?? '';
const light = () => textIn(getByRole('heading', { name: '能否接听来电' }).parentElement!);

describe('the audio check when the microphone cannot be opened', () => {
  it('says why in the agent’s language, never the engine’s English', async () => {
    const ports = new CheckPorts();
    ports.openMicrophone = () => Promise.reject(denied());
    await onSettings(ports);
    await click(step('mic'));
    await settle();
    expect(verdict('mic')).toBe('无法打开麦克风：本应用没有使用麦克风的权限，请在系统设置中允许。');
    expect(verdict('mic')).not.toMatch(/NotAllowedError|Permission denied/);
  });

  it('turns the readiness light red, naming the program holding the microphone', async () => {
    const ports = new CheckPorts();
    const { api } = await onSettings(ports);
    await click(step('mic'));
    await new Promise((r) => setTimeout(r, 250));
    await click(step('mic'));
    await settle();
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
    // Another app grabs the microphone exclusively.
    ports.openMicrophone = () => Promise.reject(busy());
    await click(step('mic'));
    await settle();
    expect(verdict('mic')).toContain('麦克风正被其他程序占用');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
    await click(getByRole('button', { name: '状态' }));
    expect(light()).toContain('暂不能接听：麦克风不可用（正被其他程序占用）');
  });

  it('falls back to the default for a busy chosen microphone, as a call does, and says so', async () => {
    const ports = new CheckPorts();
    ports.openMicrophone = async (c) => {
      if (exactOf(c) === 'mic-headset') throw busy();
      return new FakeStream([new FakeTrack('mic')]);
    };
    await onSettings(ports, 'mic-headset');
    await click(step('mic'));
    await new Promise((r) => setTimeout(r, 250));
    await click(step('mic'));
    await settle();
    expect(verdict('mic')).toBe(
      '所选麦克风“USB Headset Mic”无法使用，已改用系统默认设备。 麦克风正常：系统默认设备。',
    );
  });
});

describe('the echo test', () => {
  it('does not say "you should have heard yourself" when the playback failed', async () => {
    const { api } = await onSettings();
    await click(step('echo'));
    await new Promise((r) => setTimeout(r, ECHO_RECORD_MS + 300));
    await settle();
    expect(verdict('echo')).toBe('回声测试失败：录音无法回放。');
    // Playback is not the microphone: the light does not turn red for it.
    expect(api.callsOf('reportMicrophone').at(-1)).not.toEqual(['broken']);
  });

  it('reports a failed playback as such, not as a success (the check itself)', async () => {
    vi.useFakeTimers();
    const check = new AudioCheck({ ports: new CheckPorts(), device: () => 'default' });
    const done = check.echo();
    await vi.advanceTimersByTimeAsync(2 * ECHO_RECORD_MS + 3000);
    expect((await done)?.verdict).toMatchObject({ kind: 'echo-failed', problem: 'playback' });
  });
});

describe('nothing plays or listens on', () => {
  it('lets go of the microphone when the window is hidden to the tray', async () => {
    const { ports } = await onSettings();
    await click(step('mic'));
    await settle();
    expect(ports.liveTracks).toBe(1);
    const hide = (hidden: boolean) => {
      Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      hide(true);
      await settle();
      expect(ports.liveTracks).toBe(0);
      expect(step('mic').textContent?.trim()).toBe('测试麦克风');
    } finally {
      Object.defineProperty(document, 'hidden', { value: false, configurable: true });
    }
  });

  it('stops the test sound at once when a call rings', async () => {
    const { api, ports } = await onSettings();
    vi.useFakeTimers();
    step('speaker').click();
    await vi.advanceTimersByTimeAsync(100);
    const tone = ports.audios.at(-1)!;
    expect(tone.paused).toBe(false);
    api.push(ringingSnapshot());
    await vi.advanceTimersByTimeAsync(0);
    expect(tone.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(verdict('speaker')).toBe('');
  });
});
