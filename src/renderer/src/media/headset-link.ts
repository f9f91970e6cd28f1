/**
 * Finds and keeps the agent's headset: one already allowed is picked up at start (getDevices),
 * another can be chosen from Settings (requestDevice, filtered to the telephony page). Its
 * buttons become call commands; its LEDs follow the call. Off when the setting is off.
 */
import { shallowRef } from 'vue';
import { HeadsetControl, TELEPHONY_PAGE } from './headset-hid';
import type { HeadsetCall, HeadsetCommand, HidDevicePort } from './headset-hid';

interface HidLike {
  getDevices(): Promise<HidDevicePort[]>;
  requestDevice(options: { filters: { usagePage: number }[] }): Promise<HidDevicePort[]>;
}

function hid(): HidLike | null {
  const nav = typeof navigator !== 'undefined' ? (navigator as { hid?: HidLike }) : {};
  return nav.hid ?? null;
}

export function headsetLink(command: (command: HeadsetCommand) => void) {
  const name = shallowRef<string | null>(null);
  let control: HeadsetControl | null = null;
  let call: HeadsetCall = { phase: 'idle', muted: false };

  async function use(devices: HidDevicePort[]): Promise<boolean> {
    for (const device of devices) {
      const next = await HeadsetControl.attach(device, command).catch(() => null);
      if (!next) continue;
      await control?.detach();
      control = next;
      name.value = device.productName || 'HID';
      await control.show(call);
      return true;
    }
    return false;
  }

  return {
    name,
    supported: () => hid() !== null,
    /** Picks up a headset the agent allowed before. */
    async start(): Promise<void> {
      const api = hid();
      if (api && !control) await use(await api.getDevices().catch(() => []));
    },
    /** Asks the agent to choose a headset (needs a click). */
    async choose(): Promise<boolean> {
      const api = hid();
      if (!api) return false;
      const devices = await api
        .requestDevice({ filters: [{ usagePage: TELEPHONY_PAGE }] })
        .catch(() => []);
      return use(devices);
    },
    /** The call changed: light the headset accordingly. */
    show(next: HeadsetCall): void {
      call = next;
      void control?.show(next);
    },
    async stop(): Promise<void> {
      await control?.detach();
      control = null;
      name.value = null;
    },
  };
}
