/**
 * The microphone going wrong on an agent's machine: during a call (unplugged, busy, a new
 * system default), when it stops a call being answered (what the agent is told, in their
 * language), and before any call (a window started with none plugged in).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fail, signedInSnapshot } from './fake-api';
import {
  CallsApi,
  DEVICES,
  FakeMediaPorts,
  FakeStream,
  FakeTrack,
  OFFER,
  device,
  mountCalls,
  ringingSnapshot,
  settle,
  talkingSnapshot,
} from './calls-support';
import { click, getByRole, textIn } from './queries';
import type { Language } from '../../src/shared/domain/errors';

const offer = (requestId = 'r1', callId = 'c1') =>
  ({ requestId, callId, kind: 'answer-offer', sdp: OFFER }) as const;

/** A desktop PC without a built-in microphone: the USB headset is the only (and default) input. */
const HEADSET_ONLY: MediaDeviceInfo[] = [
  device('audioinput', 'default', 'Default - USB Headset Mic'),
  device('audioinput', 'mic-headset', 'USB Headset Mic'),
  device('audiooutput', 'default', 'Default - USB Headset'),
  device('audiooutput', 'out-headset', 'USB Headset'),
];
const NO_INPUT = HEADSET_ONLY.filter((d) => d.kind !== 'audioinput');

const busy = () => new DOMException('Could not start audio source', 'NotReadableError');
const notFound = () => new DOMException('Requested device not found', 'NotFoundError');

async function talking(ports: FakeMediaPorts, settings: Record<string, string> = {}) {
  const api = new CallsApi();
  api.snapshot = ringingSnapshot({ phase: 'answering' });
  api.settings.settings = { ...api.settings.settings, ...settings };
  const mounted = await mountCalls(api, { ports });
  api.pushMedia(offer());
  await settle();
  api.push(talkingSnapshot());
  await settle();
  return mounted;
}

/** The readiness light's region ("能否接听来电"). */
const readiness = () => getByRole('heading', { name: '能否接听来电' }).parentElement!;

describe('the microphone during a call', () => {
  it('the only headset unplugged and plugged back in (default choice): the caller hears the agent again', async () => {
    const ports = new FakeMediaPorts();
    ports.devices = [...HEADSET_ONLY];
    await talking(ports);
    const sender = ports.peers[0]!.senders[0]!;
    expect(sender.track?.readyState).toBe('live');

    // USB cable pulled: the track ends, no input device is left.
    ports.openMicrophone = () => Promise.reject(notFound());
    ports.microphones[0]!.tracks[0]!.unplug();
    ports.changeDevices(NO_INPUT);
    await settle();
    expect(textIn()).toContain('无法打开麦克风，对方听不到你：未连接麦克风，请插入耳麦或麦克风。');

    // Plugged back in: the OS lists it again and it opens.
    ports.openMicrophone = async () => new FakeStream([new FakeTrack('mic-back')]);
    ports.changeDevices(HEADSET_ONLY);
    await settle();

    expect(sender.track?.readyState).toBe('live');
    expect(sender.track?.id).toBe('mic-back');
    expect(textIn()).not.toContain('无法打开麦克风');
  });

  it('…and once that call ends, the readiness light is green again', async () => {
    const ports = new FakeMediaPorts();
    ports.devices = [...HEADSET_ONLY];
    const { api } = await talking(ports);
    ports.openMicrophone = () => Promise.reject(notFound());
    ports.microphones[0]!.tracks[0]!.unplug();
    ports.changeDevices(NO_INPUT);
    await settle();
    ports.openMicrophone = async () => new FakeStream([new FakeTrack('mic-back')]);
    ports.changeDevices(HEADSET_ONLY);
    await settle();
    api.pushMedia({ requestId: 'x1', callId: 'c1', kind: 'close' });
    api.push(signedInSnapshot());
    await settle();
    expect(textIn(readiness())).toContain('麦克风：正常');
  });

  it('a microphone that failed mid-call and works again by the end: the light is green once the call is over', async () => {
    // A USB hiccup: the track ends, the reopen fails once; no device change follows.
    const ports = new FakeMediaPorts();
    const { api } = await talking(ports);
    ports.openMicrophone = () => Promise.reject(busy());
    ports.microphones[0]!.tracks[0]!.unplug();
    await settle();
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
    expect(textIn(readiness())).toContain('麦克风：异常');
    ports.openMicrophone = async () => new FakeStream([new FakeTrack('mic-ok')]);
    api.pushMedia({ requestId: 'x1', callId: 'c1', kind: 'close' });
    api.push(signedInSnapshot());
    await settle();
    expect(textIn(readiness())).toContain('麦克风：正常');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
    // The check released the microphone it opened.
    expect(ports.microphones.at(-1)!.tracks.every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('the chosen headset microphone is busy (held by another app): the default stands in, and the window says so', async () => {
    const ports = new FakeMediaPorts();
    ports.openMicrophone = async (constraints) => {
      const audio = constraints.audio as MediaTrackConstraints;
      const exact = (audio.deviceId as { exact?: string } | undefined)?.exact;
      if (exact === 'mic-headset') throw busy();
      return new FakeStream([new FakeTrack(`mic-${ports.microphones.length + 1}`)]);
    };
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ phase: 'answering' });
    api.settings.settings = { ...api.settings.settings, microphoneDeviceId: 'mic-headset' };
    await mountCalls(api, { ports });
    api.pushMedia(offer());
    await settle();
    const replies = api.callsOf('replyMedia').map(([r]) => r);
    expect(replies).toEqual([{ requestId: 'r1', sdp: expect.stringContaining('m=audio') }]);
    expect(ports.peers[0]!.senders[0]!.track?.readyState).toBe('live');
    expect(textIn()).toContain('所选麦克风「USB Headset Mic」无法使用，已改用系统默认设备。');
  });

  it('a headset plugged in mid-call becomes the system default: the call moves to its microphone', async () => {
    // Chromium keeps an open capture on the device it opened; the output (sink '') follows the new
    // default. Without a reopen the agent hears the customer in the headset while the customer
    // hears the laptop microphone across the room.
    const ports = new FakeMediaPorts();
    ports.devices = [
      device('audioinput', 'default', 'Default - Built-in Mic'),
      device('audioinput', 'mic-builtin', 'Built-in Mic'),
      device('audiooutput', 'default', 'Default - Speakers'),
      device('audiooutput', 'out-speakers', 'Speakers'),
    ];
    await talking(ports);
    const sender = ports.peers[0]!.senders[0]!;
    const before = sender.track!;
    ports.changeDevices([
      device('audioinput', 'default', 'Default - USB Headset Mic'),
      device('audioinput', 'mic-builtin', 'Built-in Mic'),
      device('audioinput', 'mic-headset', 'USB Headset Mic'),
      device('audiooutput', 'default', 'Default - USB Headset'),
      device('audiooutput', 'out-speakers', 'Speakers'),
      device('audiooutput', 'out-headset', 'USB Headset'),
    ]);
    await settle();
    expect(sender.track).not.toBe(before);
    expect(sender.track?.readyState).toBe('live');
    expect(before.readyState).toBe('ended');
  });

  it('a device change that leaves the default where it was keeps the microphone as it is', async () => {
    const ports = new FakeMediaPorts();
    await talking(ports);
    const opened = ports.constraints.length;
    ports.changeDevices(DEVICES.filter((d) => d.deviceId !== 'out-headset'));
    await settle();
    expect(ports.constraints.length).toBe(opened);
  });

  it('says in the agent’s language why the microphone cannot be used, not the engine’s English', async () => {
    const ports = new FakeMediaPorts();
    await talking(ports);
    ports.openMicrophone = () => Promise.reject(busy());
    ports.microphones[0]!.tracks[0]!.unplug();
    await settle();
    const text = textIn();
    expect(text).toContain(
      '无法打开麦克风，对方听不到你：麦克风正被其他程序占用，请关闭正在使用它的程序（如其他通话软件）。',
    );
    expect(text).not.toMatch(/NotReadableError|Could not start audio source/);
    expect(textIn(readiness())).toContain('暂不能接听：麦克风不可用（正被其他程序占用）');
  });

  it('a microphone failing late for an earlier, abandoned call does not mark the current call’s broken', async () => {
    const ports = new FakeMediaPorts();
    let failFirst: (e: unknown) => void = () => undefined;
    let n = 0;
    ports.openMicrophone = () =>
      ++n === 1
        ? new Promise((_, reject) => (failFirst = reject))
        : Promise.resolve(new FakeStream([new FakeTrack(`mic-${n}`)]));
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ id: 'c1', phase: 'answering' });
    await mountCalls(api, { ports });
    // c1: the microphone hangs (a Bluetooth headset waking up); main gives up after 10 s.
    api.pushMedia(offer('a1', 'c1'));
    await settle();
    api.pushMedia({ requestId: 'x1', callId: 'c1', kind: 'close' });
    api.push(signedInSnapshot());
    await settle();
    // c2 rings and is answered; its microphone (the default) opens fine.
    api.push(ringingSnapshot({ id: 'c2', phase: 'answering' }));
    api.pushMedia(offer('a2', 'c2'));
    await settle();
    api.push(talkingSnapshot({ id: 'c2' }));
    await settle();
    expect(ports.peers.at(-1)!.senders[0]!.track?.readyState).toBe('live');
    // Then c1's request finally fails.
    failFirst(busy());
    await settle();
    expect(textIn()).not.toContain('无法打开麦克风');
    expect(textIn(readiness())).not.toContain('麦克风：异常');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
  });

  it('muted, held, microphone unplugged, then resumed: still muted on the new microphone', async () => {
    const ports = new FakeMediaPorts();
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ phase: 'answering' });
    await mountCalls(api, { ports });
    api.pushMedia(offer('a1', 'c1'));
    await settle();
    api.push(talkingSnapshot({ muted: true }));
    await settle();
    api.pushMedia({ requestId: 'h1', callId: 'c1', kind: 'make-offer', hold: true });
    await settle();
    api.push(talkingSnapshot({ muted: true, held: true }));
    await settle();
    ports.microphones[0]!.tracks[0]!.unplug();
    await settle();
    api.pushMedia({ requestId: 'r1', callId: 'c1', kind: 'make-offer', hold: false });
    await settle();
    const sender = ports.peers[0]!.senders[0]!;
    expect(sender.track).toBe(ports.microphones[1]!.tracks[0]);
    expect(sender.track!.readyState).toBe('live');
    expect(sender.track!.enabled).toBe(false);
  });
});

/**
 * Main is played by the test: Answer asks the window for its answer, and a failure ends the call
 * (as CallController.answer does) with code 'media' and the window's error.
 */
async function answerWithMicrophone(error: DOMException, language: Language) {
  const ports = new FakeMediaPorts();
  ports.openMicrophone = () => Promise.reject(error);
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  api.handlers.answerCall = async (callId) => {
    api.push(ringingSnapshot({ id: callId, phase: 'answering' }));
    api.pushMedia({ requestId: 'a1', callId, kind: 'answer-offer', sdp: OFFER });
    await settle();
    const [reply] = api.callsOf('replyMedia').at(-1)! as [{ error?: string }];
    api.push(signedInSnapshot());
    return fail('media', reply.error ?? '');
  };
  await mountCalls(api, { ports, language });
  api.push(ringingSnapshot());
  await settle();
  await click(getByRole('button', { name: language === 'en' ? 'Answer' : '接听' }));
  await settle();
  return api;
}

describe('the agent is told why a call could not be answered', () => {
  it('the microphone is in use by another program: says so, and does not ask for a permission already given', async () => {
    await answerWithMicrophone(busy(), 'zh-CN');
    expect(getByRole('alert').textContent).toBe(
      '接听失败。麦克风正被其他程序占用，请关闭正在使用它的程序（如其他通话软件）。',
    );
    expect(textIn(readiness())).toContain('暂不能接听：麦克风不可用（正被其他程序占用）');
    expect(textIn()).not.toContain('请允许本应用使用麦克风');
  });

  it('microphone permission denied: the failed answer names the microphone and the permission', async () => {
    await answerWithMicrophone(new DOMException('Permission denied', 'NotAllowedError'), 'zh-CN');
    expect(getByRole('alert').textContent).toBe(
      '接听失败。本应用没有使用麦克风的权限，请在系统设置中允许。',
    );
    expect(textIn(readiness())).toContain('暂不能接听：麦克风不可用（请允许本应用使用麦克风）');
  });

  it('in English, no microphone connected: says to plug one in, not to allow the app to use it', async () => {
    await answerWithMicrophone(notFound(), 'en');
    const text = textIn();
    expect(getByRole('alert').textContent).toBe(
      'Answering failed. No microphone is connected: plug in a headset or a microphone.',
    );
    expect(text).toContain('Cannot take calls: no microphone is connected');
    expect(text).not.toContain('allow this app to use it');
  });

  it('a busy microphone (AbortError): the failed answer says so, and the reason stays shown after the call', async () => {
    await answerWithMicrophone(new DOMException('Starting audio failed', 'AbortError'), 'zh-CN');
    expect(getByRole('alert').textContent).toContain('麦克风正被其他程序占用');
    // Once, in the alert (not repeated as a separate notice).
    expect(textIn().split('麦克风正被其他程序占用').length - 1).toBe(1);
  });
});

function stubPermission(state: PermissionState | 'unsupported', delayMs = 0) {
  const permissions =
    state === 'unsupported'
      ? undefined
      : {
          query: vi.fn(async () => {
            if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
            return { state, onchange: null } as unknown as PermissionStatus;
          }),
        };
  Object.defineProperty(navigator, 'permissions', { value: permissions, configurable: true });
}

describe('the microphone before any call (start, reload after a crash)', () => {
  afterEach(() => stubPermission('unsupported'));

  async function startWithoutMicrophone(delayMs = 0) {
    stubPermission('granted', delayMs);
    const ports = new FakeMediaPorts();
    ports.devices = [
      device('audiooutput', 'default', 'Default - Speakers'),
      device('audiooutput', 'out-speakers', 'Speakers'),
    ];
    ports.openMicrophone = () => Promise.reject(notFound());
    const api = new CallsApi();
    api.snapshot = signedInSnapshot();
    await mountCalls(api, { ports });
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs + 10));
    await settle();
    return { api, ports };
  }

  it('a window (re)started with no microphone plugged in says it cannot take calls, and why', async () => {
    // Told 'ok', main would lift a crash hold and route the next call here, to fail on answer.
    const { api } = await startWithoutMicrophone();
    expect(textIn(readiness())).toContain('暂不能接听：麦克风不可用（未连接麦克风）');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
  });

  it('…even when the permission answers after the device list', async () => {
    const { api } = await startWithoutMicrophone(30);
    expect(textIn(readiness())).toContain('暂不能接听：麦克风不可用（未连接麦克风）');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
  });

  it('…and can take calls once a microphone is plugged in', async () => {
    const { api, ports } = await startWithoutMicrophone();
    ports.openMicrophone = async () => new FakeStream([new FakeTrack('mic-new')]);
    ports.changeDevices(DEVICES);
    await settle();
    expect(textIn(readiness())).toContain('麦克风：正常');
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['ok']);
  });
});
