/**
 * Headset call control over WebHID, for devices that expose the HID Telephony usage page (0x0B),
 * as the common headset families do: the hook switch answers or hangs up, the phone-mute button
 * toggles mute, and the headset's LEDs follow the call (off-hook, mute, ring). The mapping is
 * read from the device's own report descriptor (`collections`), so no vendor table is needed.
 * Everything here works on a small port of HIDDevice, so a fake device can drive it in tests.
 */
import { answerOrHangUp } from '../../../shared/key-bindings';
import { LED_PAGE, TELEPHONY_PAGE } from './hid-pages';
import type { CallPhase } from '../../../shared/snapshot';

const HOOK_SWITCH = 0x20;
const PHONE_MUTE = 0x2f;
const LED_MUTE = 0x09;
const LED_OFF_HOOK = 0x17;
const LED_RING = 0x18;

const usage = (page: number, id: number) => (page << 16) | id;

/** The parts of a WebHID report item this module reads (a real HIDReportItem satisfies it). */
export interface ReportItem {
  usages?: number[];
  usageMinimum?: number;
  usageMaximum?: number;
  isRange?: boolean;
  isConstant?: boolean;
  isAbsolute?: boolean;
  reportSize?: number;
  reportCount?: number;
}
export interface ReportInfo {
  reportId?: number;
  items?: ReportItem[];
}
export interface Collection {
  usagePage?: number;
  usage?: number;
  inputReports?: ReportInfo[];
  outputReports?: ReportInfo[];
  children?: Collection[];
}

/** Where one field sits: report id and bit offset (1-bit fields). */
interface Field {
  reportId: number;
  bit: number;
  absolute: boolean;
}

export interface HeadsetMapping {
  hook: Field | null;
  mute: Field | null;
  leds: { offHook: Field | null; mute: Field | null; ring: Field | null };
  /** Bytes per output report id (data length, without the id). */
  outputLength: Map<number, number>;
}

/** Bit offsets of every usage in a list of reports. */
function layout(
  reports: ReportInfo[] | undefined,
): Map<number, Field> & { lengths: Map<number, number> } {
  const fields = new Map<number, Field>() as Map<number, Field> & { lengths: Map<number, number> };
  fields.lengths = new Map();
  for (const report of reports ?? []) {
    const reportId = report.reportId ?? 0;
    let bit = 0;
    for (const item of report.items ?? []) {
      const size = item.reportSize ?? 0;
      const count = item.reportCount ?? 0;
      if (!item.isConstant) {
        const usages =
          item.isRange && item.usageMinimum !== undefined && item.usageMaximum !== undefined
            ? Array.from(
                { length: item.usageMaximum - item.usageMinimum + 1 },
                (_, i) => item.usageMinimum! + i,
              )
            : (item.usages ?? []);
        for (let i = 0; i < count; i++) {
          const u = usages[Math.min(i, usages.length - 1)];
          if (u !== undefined && size === 1 && !fields.has(u))
            fields.set(u, { reportId, bit: bit + i, absolute: item.isAbsolute !== false });
        }
      }
      bit += size * count;
    }
    fields.lengths.set(reportId, Math.max(fields.lengths.get(reportId) ?? 0, Math.ceil(bit / 8)));
  }
  return fields;
}

function telephonyCollections(collections: Collection[]): Collection[] {
  const found: Collection[] = [];
  const walk = (list: Collection[]) => {
    for (const c of list) {
      if (c.usagePage === TELEPHONY_PAGE) found.push(c);
      walk(c.children ?? []);
    }
  };
  walk(collections);
  return found;
}

/** Reads a device's telephony controls; null when it has no hook switch or mute button. */
export function mapHeadset(collections: Collection[]): HeadsetMapping | null {
  for (const c of telephonyCollections(collections)) {
    const inputs = layout(c.inputReports);
    const outputs = layout(c.outputReports);
    const hook = inputs.get(usage(TELEPHONY_PAGE, HOOK_SWITCH)) ?? null;
    const mute = inputs.get(usage(TELEPHONY_PAGE, PHONE_MUTE)) ?? null;
    if (!hook && !mute) continue;
    return {
      hook,
      mute,
      leds: {
        offHook: outputs.get(usage(LED_PAGE, LED_OFF_HOOK)) ?? null,
        mute: outputs.get(usage(LED_PAGE, LED_MUTE)) ?? null,
        ring: outputs.get(usage(LED_PAGE, LED_RING)) ?? null,
      },
      outputLength: outputs.lengths,
    };
  }
  return null;
}

function bitOf(data: DataView, bit: number): boolean {
  const byte = bit >> 3;
  return byte < data.byteLength && (data.getUint8(byte) & (1 << (bit & 7))) !== 0;
}

/** The hook switch and mute button in one input report (null = not in this report). */
export function decodeInput(
  mapping: HeadsetMapping,
  reportId: number,
  data: DataView,
): { hook: boolean | null; mute: boolean | null } {
  const read = (f: Field | null) => (f && f.reportId === reportId ? bitOf(data, f.bit) : null);
  return { hook: read(mapping.hook), mute: read(mapping.mute) };
}

export interface LedState {
  offHook: boolean;
  mute: boolean;
  ring: boolean;
}

/** The output reports that light the LEDs as `state` says. */
export function encodeLeds(
  mapping: HeadsetMapping,
  state: LedState,
): { reportId: number; data: Uint8Array<ArrayBuffer> }[] {
  const reports = new Map<number, Uint8Array<ArrayBuffer>>();
  for (const key of ['offHook', 'mute', 'ring'] as const) {
    const field = mapping.leds[key];
    if (!field) continue;
    const data =
      reports.get(field.reportId) ??
      new Uint8Array(mapping.outputLength.get(field.reportId) ?? (field.bit >> 3) + 1);
    reports.set(field.reportId, data);
    if (state[key]) data[field.bit >> 3]! |= 1 << (field.bit & 7);
  }
  return [...reports.entries()].map(([reportId, data]) => ({ reportId, data }));
}

/** The parts of a WebHID HIDDevice used here (a real one satisfies it; tests use a fake). */
export interface HidDevicePort {
  readonly productName: string;
  readonly opened: boolean;
  readonly collections: Collection[];
  open(): Promise<void>;
  close(): Promise<void>;
  sendReport(reportId: number, data: Uint8Array<ArrayBuffer>): Promise<void>;
  addEventListener(type: 'inputreport', listener: (event: Event) => void): void;
  removeEventListener(type: 'inputreport', listener: (event: Event) => void): void;
}

export type HeadsetCommand = 'answer' | 'hang-up' | 'toggle-mute';

export interface HeadsetCall {
  phase: CallPhase | 'idle';
  muted: boolean;
}

/**
 * One connected headset: turns its buttons into commands for the current call, and keeps its
 * LEDs in step with the call (the window calls `show` whenever the call changes).
 */
export class HeadsetControl {
  /** A hook switch's state the app expects: the call shown, then what the headset last said. */
  private hook = false;
  /** A momentary hook button is held down. */
  private hookHeld = false;
  private lastMute = false;
  private call: HeadsetCall = { phase: 'idle', muted: false };
  private readonly listener = (event: Event) =>
    this.onInput(event as unknown as HIDInputReportEventLike);

  private constructor(
    readonly device: HidDevicePort,
    readonly mapping: HeadsetMapping,
    private readonly command: (command: HeadsetCommand) => void,
  ) {}

  /** Opens `device` when it has telephony controls; null otherwise. */
  static async attach(
    device: HidDevicePort,
    command: (command: HeadsetCommand) => void,
  ): Promise<HeadsetControl | null> {
    const mapping = mapHeadset(device.collections);
    if (!mapping) return null;
    if (!device.opened) await device.open();
    const control = new HeadsetControl(device, mapping, command);
    device.addEventListener('inputreport', control.listener);
    return control;
  }

  /** Shows the call on the headset's LEDs (ring while ringing, off-hook and mute while talking). */
  async show(call: HeadsetCall): Promise<void> {
    // A call answered or ended elsewhere (window, hotkey, customer) moves the hook with it, so
    // the headset's next report is read against the call shown, not against its last report.
    // Off-hook from the answer on (a call being answered is the agent's, as a talking one is).
    const offHook = offHookIn(call);
    if (call.phase !== this.call.phase) this.hook = offHook;
    this.call = call;
    const reports = encodeLeds(this.mapping, {
      ring: call.phase === 'ringing',
      offHook,
      mute: offHook && call.muted,
    });
    for (const { reportId, data } of reports) {
      await this.device.sendReport(reportId, data).catch(() => undefined);
    }
  }

  async detach(): Promise<void> {
    this.device.removeEventListener('inputreport', this.listener);
    await this.device.close().catch(() => undefined);
  }

  private onInput(event: HIDInputReportEventLike): void {
    const { hook, mute } = decodeInput(this.mapping, event.reportId, event.data);
    if (hook !== null) {
      if (this.mapping.hook?.absolute) this.onHookSwitch(hook);
      else this.onHookButton(hook);
    }
    if (mute !== null) {
      // A press (relative button: its rising edge), or a switch whose state differs from ours.
      const absolute = this.mapping.mute?.absolute === true;
      const toggle = absolute
        ? mute !== this.lastMute && mute !== this.call.muted
        : mute && !this.lastMute;
      if (toggle && this.call.phase === 'talking') this.command('toggle-mute');
      this.lastMute = mute;
    }
  }

  /** A hook switch reports its state: off-hook answers a ringing call, on-hook ends a talking one. */
  private onHookSwitch(hook: boolean): void {
    if (hook === this.hook) return;
    this.hook = hook;
    if (hook && this.call.phase === 'ringing') this.command('answer');
    else if (!hook && offHookIn(this.call)) this.command('hang-up');
  }

  /** A momentary hook button reports press (1) and release (0): only the press acts. */
  private onHookButton(pressed: boolean): void {
    const press = pressed && !this.hookHeld;
    this.hookHeld = pressed;
    if (!press) return;
    // The same judgement as the play/pause media key: nothing while the answer is being made.
    const action = answerOrHangUp(this.call.phase);
    if (action) this.command(action);
  }
}

/** The headset is off-hook for a call being answered or connected. */
function offHookIn(call: HeadsetCall): boolean {
  return call.phase === 'talking' || call.phase === 'answering';
}

interface HIDInputReportEventLike {
  reportId: number;
  data: DataView;
}
