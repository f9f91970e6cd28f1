/**
 * Finds and keeps the agent's headset: one already allowed is picked up at start (getDevices)
 * and again whenever it is plugged back in, another can be chosen from Settings (requestDevice,
 * filtered to the telephony page). Its buttons become call commands; its LEDs follow the call.
 * Off when the setting is off.
 */
import { shallowRef } from 'vue';
import { TELEPHONY_PAGE } from './hid-pages';
import type { HeadsetCall, HeadsetCommand, HeadsetControl, HidDevicePort } from './headset-hid';

interface HidLike {
  getDevices(): Promise<HidDevicePort[]>;
  requestDevice(options: { filters: { usagePage: number }[] }): Promise<HidDevicePort[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: Event) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (event: Event) => void): void;
}

function hid(): HidLike | null {
  const nav = typeof navigator !== 'undefined' ? (navigator as { hid?: HidLike }) : {};
  return nav.hid ?? null;
}

/** The device a WebHID connect/disconnect event is about. */
const deviceOf = (event: Event) => (event as Event & { device: HidDevicePort }).device;

export function headsetLink(command: (command: HeadsetCommand) => void) {
  const name = shallowRef<string | null>(null);
  let control: HeadsetControl | null = null;
  let call: HeadsetCall = { phase: 'idle', muted: false };
  /** Where plugging is heard while the setting is on (between start and stop). */
  let listening: HidLike | null = null;

  // Start, stop, choose and plugging run one at a time, in order: a quick off-and-on or a
  // second choice never meets a headset half attached or half closed.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function drop(): Promise<void> {
    const old = control;
    control = null;
    name.value = null;
    await old?.detach();
  }

  async function use(devices: HidDevicePort[]): Promise<boolean> {
    if (!devices.length) return false;
    // Most desks have no HID headset: its code loads with the first one, not at start-up.
    const { HeadsetControl } = await import('./headset-hid');
    for (const device of devices) {
      if (device === control?.device) {
        // The headset in use, chosen again: keep it (a second attach would be closed under it).
        if (device.opened) return true;
        await drop();
      }
      const next = await HeadsetControl.attach(device, command).catch(() => null);
      if (!next) continue;
      await drop();
      control = next;
      name.value = device.productName || 'HID';
      await control.show(call);
      return true;
    }
    return false;
  }

  const onConnect = (event: Event) => {
    const device = deviceOf(event);
    void serial(async () => {
      if (listening && !control) await use([device]);
    });
  };
  const onDisconnect = (event: Event) => {
    const device = deviceOf(event);
    void serial(async () => {
      if (control?.device === device) await drop();
    });
  };

  return {
    name,
    supported: () => hid() !== null,
    /** Picks up a headset the agent allowed before, now and whenever one is plugged in. */
    start(): Promise<void> {
      return serial(async () => {
        const api = hid();
        if (!api) return;
        if (!listening) {
          listening = api;
          api.addEventListener('connect', onConnect);
          api.addEventListener('disconnect', onDisconnect);
        }
        if (!control) await use(await api.getDevices().catch(() => []));
      });
    },
    /** Asks the agent to choose a headset (needs a click). */
    async choose(): Promise<boolean> {
      const api = hid();
      if (!api) return false;
      // Asked at once, not queued: the browser opens its chooser only within the click.
      const devices = await api
        .requestDevice({ filters: [{ usagePage: TELEPHONY_PAGE }] })
        .catch(() => []);
      return serial(() => (listening ? use(devices) : Promise.resolve(false)));
    },
    /** The call changed: light the headset accordingly. */
    show(next: HeadsetCall): void {
      call = next;
      void control?.show(next);
    },
    stop(): Promise<void> {
      return serial(async () => {
        listening?.removeEventListener('connect', onConnect);
        listening?.removeEventListener('disconnect', onDisconnect);
        listening = null;
        await drop();
      });
    },
  };
}
