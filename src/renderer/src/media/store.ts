/**
 * Calls in the window: answers main's media requests (CallMedia), rings while the snapshot says
 * ringing (Ringtone), keeps the device lists, and runs the call buttons. Mirrors main's call
 * (snapshot.call) and adds only what the window alone knows: devices, sound, audio connection.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { afterPaint } from '../after-paint';
import { call as send, desktopApi } from '../desktop';
import { startRingBlink, stopRingBlink } from '../ring-blink';
import { useMicrophoneStore } from '../stores/microphone';
import { useSessionStore } from '../stores/session';
import { useCallAudioStore } from '../stores/call-audio';
import { useSettingsStore } from '../stores/settings';
import { CallMedia } from './call-media';
import { installMediaDebug } from './debug';
import { DEVICE_ROLES, EMPTY_LISTS, isGone, listDevices, usableDevice } from './devices';
import { browserPorts, isDefaultDevice } from './ports';
import { qualityTracker } from './quality-tracker';
import { headsetLink } from './headset-link';
import { microphoneProblem, problemInError } from './microphone-problem';
import { Ringtone } from './ringtone';
import { ALERT_TONE, playTone } from './tones';
import type { AppError } from '../../../shared/domain/errors';
import type { Result } from '../../../shared/ipc/contract';
import type { SessionSnapshot } from '../../../shared/snapshot';
import type { DeviceLists, DeviceRole } from './devices';
import type { MediaPorts } from './ports';
import type { MicrophoneProblem } from './microphone-problem';

/** A chosen device the window could not use, shown until it works again. */
export interface DeviceNotice {
  role: DeviceRole;
  /** gone: unplugged (back automatically when it returns); failed: the engine refused it. */
  why: 'gone' | 'failed';
  /** Its label when known, else ''. */
  name: string;
}

export type CallAction = 'answer' | 'reject' | 'hangup' | 'mute' | 'hold';

/** A call button's round trip that failed; `microphone` when the microphone was why. */
export interface CallFailure {
  action: CallAction;
  error: AppError;
  microphone?: MicrophoneProblem;
}

const SETTING_KEY = {
  microphone: 'microphoneDeviceId',
  speaker: 'speakerDeviceId',
  ringer: 'ringerDeviceId',
} as const;

const PREVIEW_MS = 2500;
/** The auto-answer alert plays this long before the call connects. */
const ALERT_LEAD_MS = 400;

export const useCallStore = defineStore('calls', () => {
  const session = useSessionStore();
  const settings = useSettingsStore();
  const microphone = useMicrophoneStore();

  let ports: MediaPorts | null = null;
  let media: CallMedia | null = null;
  let ringtone: Ringtone | null = null;
  const offs: (() => void)[] = [];
  /** Every label seen this run, so an unplugged device can still be named. */
  const labels = new Map<string, string>();

  // Main's call, ahead of the rest of the snapshot in the frame a new call first rings.
  const call = computed(() => session.call);
  const lists = shallowRef<DeviceLists>(EMPTY_LISTS);
  /**
   * Devices the engine refused at use (setSinkId/getUserMedia), by role → device id: the default
   * stands in until the call ends, a device changes, the agent chooses again or the audio check
   * proves it works (a microphone another program held is tried again on the next call).
   */
  const failedDevices = shallowRef<Partial<Record<DeviceRole, string>>>({});
  /** The audio connection of the current call (RTCPeerConnectionState), null without media. */
  const connection = ref<string | null>(null);
  /** The ringtone or the caller's audio was refused without a click (autoplay rules). */
  const soundBlocked = ref(false);
  const ringing = ref(false);
  const ringDevice = ref<string | null>(null);
  const pending = ref<CallAction | null>(null);
  const failure = shallowRef<CallFailure | null>(null);
  /** The call's microphone could not be opened (the call it was, and why); null once it opens. */
  const microphoneFault = shallowRef<{ callId: string | null; problem: MicrophoneProblem } | null>(
    null,
  );
  /** The call a hang-up was sent for: its answer's "call gone" is then no failure. */
  let hangUpSentFor: string | null = null;

  // The quality light: getStats once a second while a call's audio is connected.
  const callAudio = useCallAudioStore();
  const quality = qualityTracker({
    getStats: () => (media ? media.rawStats() : Promise.reject(new Error('no media'))),
    report: (report) => {
      callAudio.noAudio = report.noAudio;
      void desktopApi()?.reportCallQuality(report);
    },
  });
  const followQuality = () =>
    quality.follow(
      media?.callId ?? null,
      call.value?.phase === 'talking' && call.value.id === media?.callId,
      connection.value === 'connected',
      call.value?.held === true,
    );

  // A headset's hook switch and mute button act like the window's buttons.
  const headset = headsetLink((command) => {
    if (command === 'answer') void answer();
    else if (command === 'hang-up') void hangUp();
    else void toggleMute();
  });
  const headsetOn = () => settings.view?.settings.headsetCallControl ?? true;
  const followHeadset = () =>
    headset.show({
      phase: call.value?.phase ?? 'idle',
      muted: call.value?.muted ?? false,
    });

  function portsNow(): MediaPorts {
    return (ports ??= browserPorts());
  }

  const chosen = (role: DeviceRole): string =>
    settings.view?.settings[SETTING_KEY[role]] ?? 'default';
  /** The device each role uses now (the default stands in for an unplugged or refused one). */
  const usable = (role: DeviceRole): string => {
    const id = chosen(role);
    return failedDevices.value[role] === id ? 'default' : usableDevice(lists.value, role, id);
  };

  const notices = computed<DeviceNotice[]>(() =>
    DEVICE_ROLES.flatMap((role): DeviceNotice[] => {
      const id = chosen(role);
      const why = isGone(lists.value, role, id)
        ? 'gone'
        : failedDevices.value[role] === id
          ? 'failed'
          : null;
      return why ? [{ role, why, name: labels.get(id) ?? '' }] : [];
    }),
  );

  function markFailed(role: DeviceRole, deviceId: string): void {
    failedDevices.value = { ...failedDevices.value, [role]: deviceId };
  }

  /** The role's chosen device is tried again (it worked, or the agent chose again). */
  function deviceWorked(role: DeviceRole): void {
    if (!(role in failedDevices.value)) return;
    const { [role]: _dropped, ...rest } = failedDevices.value;
    failedDevices.value = rest;
  }

  /**
   * The device list names its devices and lists no audio output at all: a call would ring and
   * talk on nothing. (Before permission the engine may hide ids: then nothing is judged.)
   */
  const noOutput = computed(() => lists.value.identified && !lists.value.anyOutput);

  function mediaNow(): CallMedia {
    const api = desktopApi();
    media ??= new CallMedia({
      ports: portsNow(),
      api: { replyMedia: (reply) => (api ? api.replyMedia(reply) : Promise.resolve(noBridge)) },
      devices: () => ({ microphone: usable('microphone'), speaker: usable('speaker') }),
      events: {
        microphone(health, problem) {
          microphoneFault.value = problem ? { callId: media?.callId ?? null, problem } : null;
          microphone.follow(health, problem ?? 'other');
          if (health === 'ok') void refreshDevices();
        },
        fallback(role, deviceId) {
          markFailed(role, deviceId);
        },
        connection(state) {
          connection.value = state;
          followQuality();
        },
        playback(blocked) {
          soundBlocked.value = blocked;
        },
      },
    });
    return media;
  }

  /** Rereads the device lists; the engine's list, or null when it gave none. */
  async function refreshDevices(): Promise<MediaDeviceInfo[] | null> {
    try {
      const infos = await portsNow().enumerateDevices();
      const next = listDevices(infos);
      for (const d of [...next.inputs, ...next.outputs])
        if (d.label) labels.set(d.deviceId, d.label);
      lists.value = next;
      return infos;
    } catch {
      // No device list: nothing counts as gone, the defaults are used.
      return null;
    }
  }

  /** The microphone opened (the audio check heard it): it works, whatever a failed call said. */
  function microphoneHeard(): void {
    microphoneFault.value = null;
    microphone.follow('ok');
  }

  /** The audio check could not open the microphone: the readiness light and the tray say why. */
  function microphoneFailed(problem: MicrophoneProblem): void {
    if (!call.value) microphone.follow('broken', problem);
  }

  /**
   * Between calls (at start, after each call, at a device change) the device list settles the
   * microphone's health (a call's own media reports it during the call): no microphone listed
   * is broken; a broken one that opens again is ok.
   */
  async function recheckMicrophone(infos: MediaDeviceInfo[]): Promise<void> {
    if (call.value) return;
    const present = infos.some((d) => d.kind === 'audioinput');
    microphone.inputs(present);
    if (!present || microphone.health !== 'broken') return;
    const id = usable('microphone');
    try {
      const stream = await portsNow().getUserMedia({
        audio: isDefaultDevice(id) ? true : { deviceId: { exact: id } },
        video: false,
      });
      for (const track of stream.getTracks()) track.stop();
      if (!call.value) microphoneHeard();
    } catch (error) {
      // Still cannot be opened: broken it stays, for what the engine says now.
      if (!call.value) microphone.follow('broken', microphoneProblem(error));
    }
  }

  /** Rereads the devices and settles the microphone's health (idle only). */
  async function recheckDevices(): Promise<void> {
    const infos = await refreshDevices();
    if (infos) await recheckMicrophone(infos);
  }

  // --- Ringing -------------------------------------------------------------------------------

  async function startRinging(): Promise<void> {
    // A ringer slow to start (Bluetooth) is not blocked: once it runs, no "sound blocked".
    ringtone ??= new Ringtone(portsNow(), () => {
      if (ringing.value && !connection.value) soundBlocked.value = false;
    });
    const device = usable('ringer');
    ringing.value = true;
    ringDevice.value = device;
    const outcome = await ringtone.start(device);
    if (!ringing.value) return;
    if (outcome.kind === 'fallback') {
      markFailed('ringer', outcome.deviceId);
      ringDevice.value = 'default';
    }
    soundBlocked.value = outcome.kind === 'blocked';
  }

  function stopRinging(): void {
    if (!ringing.value) return;
    ringing.value = false;
    ringDevice.value = null;
    ringtone?.stop();
    if (!connection.value) soundBlocked.value = false;
  }

  /** Plays the ringtone briefly on the chosen ringer (settings: "which device rings?"). */
  async function previewRinger(): Promise<void> {
    if (call.value) return;
    await startRinging();
    setTimeout(() => {
      if (!call.value) stopRinging();
    }, PREVIEW_MS);
  }

  /** After a click, when autoplay refused the ringtone or the caller's audio. */
  async function enableSound(): Promise<void> {
    const rang = ringtone ? await ringtone.unlock() : true;
    await media?.resumePlayback();
    if (rang) soundBlocked.value = false;
  }

  /** Asks for the microphone once so the engine shows the devices' names. */
  async function revealLabels(): Promise<void> {
    try {
      const stream = await portsNow().getUserMedia({ audio: true, video: false });
      for (const track of stream.getTracks()) track.stop();
      microphone.follow('ok');
    } catch (error) {
      microphone.follow('broken', microphoneProblem(error));
    }
    await refreshDevices();
  }

  // --- Call buttons --------------------------------------------------------------------------

  /** Runs one call button's round trip; true when main did it. */
  async function act(
    action: CallAction,
    run: (callId: string) => Promise<Result<SessionSnapshot>>,
  ): Promise<boolean> {
    const current = call.value;
    const busy = pending.value;
    // Hang up is never held back by another button's round trip; nor is mute (a headset's mute
    // button pressed while a hold is out must mute), though it leaves that round trip pending.
    const through = action === 'hangup' || (action === 'mute' && busy !== 'mute');
    if (!current || (busy && !through)) return false;
    const owns = !busy || action === 'hangup';
    if (owns) pending.value = action;
    if (action === 'hangup') hangUpSentFor = current.id;
    failure.value = null;
    const result = await run(current.id);
    if (owns && pending.value === action) pending.value = null;
    if (result.ok) return true;
    const { error } = result;
    // The agent hung up while it was being answered: the call is gone because they said so.
    if (action !== 'hangup' && error.code === 'call-gone' && hangUpSentFor === current.id)
      return false;
    const fault = microphoneFault.value;
    const micro =
      action === 'answer' && error.code === 'media'
        ? (problemInError(error.detail ?? error.message) ??
          (fault?.callId === current.id ? fault.problem : null))
        : null;
    failure.value = micro ? { action, error, microphone: micro } : { action, error };
    return false;
  }

  async function answer(): Promise<void> {
    if (call.value?.phase !== 'ringing' || pending.value) return;
    stopRinging();
    // A failed answer that leaves the call ringing (main never got to it) rings again.
    if (!(await act('answer', session.answerCall))) ringIfStillRinging();
  }
  const reject = async () => void (await act('reject', session.rejectCall));
  const hangUp = async () => void (await act('hangup', session.hangUp));

  /** Mutes locally at once (no audio leaks while main records it), then tells main. */
  async function toggleMute(): Promise<void> {
    const current = call.value;
    if (!current) return;
    const next = !current.muted;
    media?.setMuted(next);
    // Done: main's call.muted follows (watched below). Refused: back to what main says.
    if (!(await act('mute', (id) => session.setMuted(id, next))))
      media?.setMuted(call.value?.muted ?? false);
  }

  /** Hold (re-INVITE sendonly) or resume (sendrecv): main's SIP line asks the window for the offer. */
  async function toggleHold(): Promise<void> {
    const current = call.value;
    if (!current || current.phase !== 'talking') return;
    const next = !(current.held ?? false);
    await act('hold', (id) => session.setHeld(id, next));
  }

  /** Sends keypad digits (RFC 4733) on the call's audio; false when they cannot go now. */
  function sendDigits(digits: string): boolean {
    const current = call.value;
    if (!current || current.phase !== 'talking' || current.held) return false;
    return media?.sendDigits(digits) ?? false;
  }

  // --- Wiring --------------------------------------------------------------------------------

  /** Subscribes to media requests and devices, and follows the call. Safe to call twice. */
  function start(): void {
    if (offs.length) return;
    const api = desktopApi();
    if (!api) return;
    offs.push(api.onMediaRequest((request) => void mediaNow().handle(request)));
    offs.push(portsNow().onDeviceChange(() => void onDevicesChanged()));
    // The first device list: a window (re)started with no microphone cannot take calls.
    void recheckDevices();
    // Main's tray warns of no speaker or headset too: each change of a judged list goes to it.
    offs.push(
      watch(
        () => (lists.value.identified ? lists.value.anyOutput : null),
        (any) => any !== null && void send((a) => a.reportOutput(any)),
      ),
    );
    offs.push(
      watch(
        [() => call.value?.id ?? null, () => call.value?.phase ?? null],
        ([id, phase], [previousId]) => {
          if (phase === 'ringing') {
            // After the panel is on screen: the ringing UI never waits for audio set-up.
            if (!ringing.value) afterPaint(ringIfStillRinging);
            startRingBlink();
          } else {
            stopRinging();
            stopRingBlink();
          }
          if (id !== previousId) {
            // A failure outlives its call (a failed answer ends it) until the next one rings.
            if (id) failure.value = null;
            // The call left (or changed): its media goes too, whatever main still sends.
            if (media?.callId && media.callId !== id) media.closeAll();
            // A microphone that failed (or came back) during the call: settled once it is over;
            // a device refused during it (busy) is tried again on the next call.
            if (!id && previousId) {
              failedDevices.value = {};
              void recheckDevices();
            }
          }
          followQuality();
        },
        { immediate: true },
      ),
    );
    offs.push(watch(() => call.value?.autoAnswerAt, followAutoAnswer));
    offs.push(watch([() => call.value?.phase, () => call.value?.muted], followHeadset));
    offs.push(watch(() => call.value?.held, followQuality));
    offs.push(
      watch(headsetOn, (on) => void (on ? headset.start() : headset.stop()), {
        immediate: true,
      }),
    );
    offs.push(
      watch(
        () => call.value?.muted,
        (muted) => media?.setMuted(muted ?? false),
      ),
    );
    // A device chosen again is tried again, even one refused before.
    for (const role of DEVICE_ROLES)
      offs.push(
        watch(
          () => chosen(role),
          () => deviceWorked(role),
        ),
      );
    // A speaker or microphone chosen or re-plugged during a call applies at once.
    offs.push(
      watch(
        () => usable('speaker'),
        () => void media?.routeSpeaker(),
      ),
    );
    offs.push(
      watch(
        () => usable('microphone'),
        () => void media?.switchMicrophone(),
      ),
    );
    // A ringer chosen (or re-plugged) while a call rings takes the ring at once.
    offs.push(
      watch(
        () => usable('ringer'),
        (device) => {
          if (ringing.value && ringDevice.value !== device) void startRinging();
        },
      ),
    );
    installMediaDebug({
      mediaStats: () => (media ? media.stats() : Promise.resolve(null)),
      quality: () => ({ reading: quality.reading.value, cost: { ...quality.cost } }),
      ringtone: () => ({
        playing: ringtone?.playing ?? false,
        deviceId: ringDevice.value,
        blocked: soundBlocked.value,
        clock: ringtone?.clock ?? null,
      }),
    });
  }

  /** Auto-answer: the ringtone gives way to a short alert tone just before the call connects. */
  let alertTimer: ReturnType<typeof setTimeout> | null = null;
  function followAutoAnswer(at: number | null | undefined): void {
    if (alertTimer) clearTimeout(alertTimer);
    alertTimer = null;
    if (!at) return;
    alertTimer = setTimeout(
      () => {
        alertTimer = null;
        if (call.value?.phase !== 'ringing' || call.value.autoAnswerAt !== at) return;
        stopRinging();
        void playTone(portsNow(), usable('speaker'), ALERT_TONE);
      },
      Math.max(0, at - Date.now() - ALERT_LEAD_MS),
    );
  }

  function ringIfStillRinging(): void {
    if (call.value?.phase === 'ringing' && !ringing.value) void startRinging();
  }

  async function onDevicesChanged(): Promise<void> {
    // A re-plugged device is tried again.
    failedDevices.value = {};
    const defaultBefore = lists.value.defaultLabels.input;
    const infos = await refreshDevices();
    if (infos) void recheckMicrophone(infos);
    // During a call: a microphone whose track ended (unplugged) is opened again at each change
    // until it works; a new system default (a headset plugged in) takes over a call on it.
    const defaultNow = lists.value.defaultLabels.input;
    const defaultMoved = !!defaultBefore && !!defaultNow && defaultBefore !== defaultNow && !!infos;
    if (call.value)
      void media?.switchMicrophone(defaultMoved && isDefaultDevice(usable('microphone')));
    if (ringing.value && ringDevice.value !== usable('ringer')) await startRinging();
  }

  function stop(): void {
    for (const off of offs.splice(0)) off();
    stopRinging();
    stopRingBlink();
    media?.closeAll();
    quality.stop();
    void headset.stop();
  }

  /** Tests hand in doubles for the browser's media parts before start(). */
  function usePorts(next: MediaPorts): void {
    ports = next;
  }

  return {
    call,
    lists,
    notices,
    noOutput,
    connection,
    quality: quality.reading,
    headsetName: headset.name,
    headsetSupported: headset.supported,
    chooseHeadset: () => (headsetOn() ? headset.choose() : Promise.resolve(false)),
    soundBlocked,
    ringing,
    pending,
    failure,
    microphoneFault,
    chosen,
    usable,
    labelOf: (deviceId: string) => labels.get(deviceId) ?? '',
    portsNow,
    start,
    stop,
    usePorts,
    answer,
    reject,
    hangUp,
    toggleMute,
    toggleHold,
    sendDigits,
    enableSound,
    previewRinger,
    revealLabels,
    refreshDevices,
    microphoneHeard,
    microphoneFailed,
    deviceWorked,
  };
});

const noBridge: Result<null> = {
  ok: false,
  error: { code: 'transport', message: 'agentDesktop is missing' },
};
