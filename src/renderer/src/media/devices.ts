/**
 * Audio devices as the window lists them, and which chosen device can be used right now. A
 * chosen device that is unplugged is not forgotten: the system default stands in until it is
 * back, and the window says so, naming it.
 */
import { isDefaultDevice } from './ports';

export type DeviceRole = 'microphone' | 'speaker' | 'ringer';
export const DEVICE_ROLES: readonly DeviceRole[] = ['microphone', 'speaker', 'ringer'];

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface DeviceLists {
  inputs: DeviceOption[];
  outputs: DeviceOption[];
  /** False before the microphone permission: the engine then hides labels (and often ids). */
  labelled: boolean;
  /** False when the engine hid the ids: presence cannot be judged, so nothing counts as gone. */
  identified: boolean;
  /** Any audio output listed, the system default's entry included. */
  anyOutput: boolean;
  /** Labels of the system defaults ("Default - Headset"), when the engine lists them. */
  defaultLabels: { input: string; output: string };
}

export const EMPTY_LISTS: DeviceLists = {
  inputs: [],
  outputs: [],
  labelled: false,
  identified: false,
  anyOutput: false,
  defaultLabels: { input: '', output: '' },
};

/** Sorts enumerateDevices() into inputs and outputs (the 'default' entries become labels). */
export function listDevices(infos: readonly MediaDeviceInfo[]): DeviceLists {
  const audio = infos.filter((d) => d.kind === 'audioinput' || d.kind === 'audiooutput');
  const lists: DeviceLists = {
    inputs: [],
    outputs: [],
    labelled: audio.some((d) => d.label),
    identified: audio.length > 0 && audio.every((d) => d.deviceId),
    anyOutput: audio.some((d) => d.kind === 'audiooutput'),
    defaultLabels: { input: '', output: '' },
  };
  for (const d of audio) {
    const input = d.kind === 'audioinput';
    if (d.deviceId === 'default') {
      lists.defaultLabels[input ? 'input' : 'output'] = d.label;
      continue;
    }
    if (!d.deviceId) continue;
    (input ? lists.inputs : lists.outputs).push({ deviceId: d.deviceId, label: d.label });
  }
  return lists;
}

export function listFor(lists: DeviceLists, role: DeviceRole): DeviceOption[] {
  return role === 'microphone' ? lists.inputs : lists.outputs;
}

/** True when `chosen` is a specific device the current list proves absent. */
export function isGone(lists: DeviceLists, role: DeviceRole, chosen: string): boolean {
  if (isDefaultDevice(chosen) || !lists.identified) return false;
  return !listFor(lists, role).some((d) => d.deviceId === chosen);
}

/** The device to use now: the chosen one, or the system default while it is gone. */
export function usableDevice(lists: DeviceLists, role: DeviceRole, chosen: string): string {
  return isDefaultDevice(chosen) || isGone(lists, role, chosen) ? 'default' : chosen;
}
