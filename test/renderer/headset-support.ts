/**
 * Doubles for the headset tests: a telephony descriptor like the common headset families', a
 * fake WebHID device that behaves like a real one once closed or unplugged (no reports, no
 * lights), and a fake `navigator.hid` that grants devices and announces plugging.
 */
import type { Collection, HidDevicePort } from '../../src/renderer/src/media/headset-hid';

const TEL = (id: number) => (0x0b << 16) | id;
const LED = (id: number) => (0x08 << 16) | id;

/** Input report 1: [consumer volume 8 bits][hook][mute][pad 6]; output report 2: LEDs. */
export function telephonyCollection(muteAbsolute = false, hookAbsolute = true): Collection {
  return {
    usagePage: 0x0b,
    usage: 0x05,
    inputReports: [
      {
        reportId: 1,
        items: [
          { usages: [(0x0c << 16) | 0xe0], reportSize: 8, reportCount: 1, isAbsolute: false },
          { usages: [TEL(0x20)], reportSize: 1, reportCount: 1, isAbsolute: hookAbsolute },
          { usages: [TEL(0x2f)], reportSize: 1, reportCount: 1, isAbsolute: muteAbsolute },
          { isConstant: true, reportSize: 6, reportCount: 1 },
        ],
      },
    ],
    outputReports: [
      {
        reportId: 2,
        items: [
          {
            isRange: false,
            usages: [LED(0x17), LED(0x09), LED(0x18)],
            reportSize: 1,
            reportCount: 3,
            isAbsolute: true,
          },
          { isConstant: true, reportSize: 5, reportCount: 1 },
        ],
      },
    ],
  };
}

export class FakeHidDevice implements HidDevicePort {
  productName = 'Fake Headset';
  opened = false;
  readonly sent: { reportId: number; data: number[] }[] = [];
  private readonly listeners = new Set<(event: Event) => void>();
  constructor(readonly collections: Collection[] = [telephonyCollection()]) {}
  async open() {
    this.opened = true;
  }
  /** Like the real one, closing takes a trip to the browser. */
  async close() {
    await new Promise((resolve) => setTimeout(resolve));
    this.opened = false;
  }
  async sendReport(reportId: number, data: Uint8Array) {
    if (!this.opened)
      throw new DOMException('The device must be opened first.', 'InvalidStateError');
    this.sent.push({ reportId, data: [...data] });
  }
  addEventListener(_type: 'inputreport', listener: (event: Event) => void) {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'inputreport', listener: (event: Event) => void) {
    this.listeners.delete(listener);
  }
  /** The headset sends input report 1 with hook/mute bits (a closed device sends nothing). */
  press(state: { hook: boolean; mute: boolean }) {
    if (!this.opened) return;
    const data = new DataView(
      new Uint8Array([0, (state.hook ? 1 : 0) | (state.mute ? 2 : 0)]).buffer,
    );
    const event = { reportId: 1, data } as unknown as Event;
    for (const l of this.listeners) l(event);
  }
}

/** `navigator.hid`: the devices granted before, the chooser's pick, and plug events. */
export class FakeHid extends EventTarget {
  granted: FakeHidDevice[] = [];
  /** What the agent picks in the browser's chooser (nothing: cancelled). */
  pick: FakeHidDevice[] = [];
  async getDevices() {
    return [...this.granted];
  }
  async requestDevice(_options: { filters: { usagePage: number }[] }) {
    for (const device of this.pick) if (!this.granted.includes(device)) this.granted.push(device);
    return [...this.pick];
  }
  unplug(device: FakeHidDevice) {
    this.granted = this.granted.filter((d) => d !== device);
    device.opened = false;
    this.dispatchEvent(Object.assign(new Event('disconnect'), { device }));
  }
  plug(device: FakeHidDevice) {
    this.granted.push(device);
    this.dispatchEvent(Object.assign(new Event('connect'), { device }));
  }
}

/** Puts `hid` on navigator; returns the undo. */
export function installHid(hid: FakeHid): () => void {
  Object.defineProperty(navigator, 'hid', { value: hid, configurable: true });
  return () => void Reflect.deleteProperty(navigator, 'hid');
}
