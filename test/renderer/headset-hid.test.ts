/**
 * Headset call control against a fake WebHID device with a telephony descriptor like the common
 * headset families': the hook switch answers and hangs up (a momentary hook button on its press
 * only), the mute button toggles mute (both a momentary button and a latching switch), the LEDs
 * follow the call; a device without a telephony page is left alone.
 */
import { describe, expect, it } from 'vitest';
import {
  HeadsetControl,
  decodeInput,
  encodeLeds,
  mapHeadset,
} from '../../src/renderer/src/media/headset-hid';
import type { HeadsetCommand } from '../../src/renderer/src/media/headset-hid';
import { FakeHidDevice, telephonyCollection } from './headset-support';

describe('headset HID mapping', () => {
  it('finds the hook switch, mute button and LEDs from the descriptor', () => {
    const mapping = mapHeadset([{ usagePage: 0x0c, children: [telephonyCollection()] }])!;
    expect(mapping.hook).toEqual({ reportId: 1, bit: 8, absolute: true });
    expect(mapping.mute).toEqual({ reportId: 1, bit: 9, absolute: false });
    expect(mapping.leds.offHook).toMatchObject({ reportId: 2, bit: 0 });
    expect(mapping.leds.ring).toMatchObject({ reportId: 2, bit: 2 });
    const data = new DataView(new Uint8Array([0x7f, 0b01]).buffer);
    expect(decodeInput(mapping, 1, data)).toEqual({ hook: true, mute: false });
    expect(decodeInput(mapping, 3, data)).toEqual({ hook: null, mute: null });
    expect(encodeLeds(mapping, { offHook: true, mute: true, ring: false })).toEqual([
      { reportId: 2, data: new Uint8Array([0b011]) },
    ]);
  });

  it('leaves a device without telephony controls alone', async () => {
    const keyboard = new FakeHidDevice([{ usagePage: 0x01, usage: 0x06 }]);
    expect(mapHeadset(keyboard.collections)).toBeNull();
    expect(await HeadsetControl.attach(keyboard, () => undefined)).toBeNull();
    expect(keyboard.opened).toBe(false);
  });

  it('hook switch answers and hangs up; mute syncs both ways; the ring light rings', async () => {
    const device = new FakeHidDevice([telephonyCollection()]);
    const commands: HeadsetCommand[] = [];
    const control = (await HeadsetControl.attach(device, (c) => commands.push(c)))!;
    expect(device.opened).toBe(true);

    await control.show({ phase: 'ringing', muted: false });
    expect(device.sent.at(-1)).toEqual({ reportId: 2, data: [0b100] });
    device.press({ hook: true, mute: false });
    expect(commands).toEqual(['answer']);

    await control.show({ phase: 'talking', muted: false });
    expect(device.sent.at(-1)).toEqual({ reportId: 2, data: [0b001] });
    device.press({ hook: true, mute: true });
    device.press({ hook: true, mute: false });
    expect(commands).toEqual(['answer', 'toggle-mute']);
    // The app muted (button, hotkey): the headset's mute light follows.
    await control.show({ phase: 'talking', muted: true });
    expect(device.sent.at(-1)).toEqual({ reportId: 2, data: [0b011] });

    device.press({ hook: false, mute: false });
    expect(commands).toEqual(['answer', 'toggle-mute', 'hang-up']);
    await control.show({ phase: 'idle', muted: false });
    expect(device.sent.at(-1)).toEqual({ reportId: 2, data: [0] });
    await control.detach();
    device.press({ hook: true, mute: false });
    expect(commands).toHaveLength(3);
  });

  it('a latching mute switch toggles only when it differs from the call', async () => {
    const device = new FakeHidDevice([telephonyCollection(true)]);
    const commands: HeadsetCommand[] = [];
    const control = (await HeadsetControl.attach(device, (c) => commands.push(c)))!;
    await control.show({ phase: 'talking', muted: false });
    device.press({ hook: true, mute: true });
    expect(commands).toEqual(['toggle-mute']);
    await control.show({ phase: 'talking', muted: true });
    device.press({ hook: true, mute: true });
    expect(commands).toEqual(['toggle-mute']);
    device.press({ hook: true, mute: false });
    expect(commands).toEqual(['toggle-mute', 'toggle-mute']);
  });

  it('after the customer hangs up, going off-hook answers the next call', async () => {
    const device = new FakeHidDevice([telephonyCollection()]);
    const commands: HeadsetCommand[] = [];
    const control = (await HeadsetControl.attach(device, (c) => commands.push(c)))!;
    await control.show({ phase: 'ringing', muted: false });
    device.press({ hook: true, mute: false });
    await control.show({ phase: 'talking', muted: false });
    // The customer ends the call; the headset goes on-hook with its light and says nothing.
    await control.show({ phase: 'idle', muted: false });
    await control.show({ phase: 'ringing', muted: false });
    device.press({ hook: true, mute: false });
    expect(commands).toEqual(['answer', 'answer']);
  });

  it('a call answered in the window hangs up from the headset', async () => {
    const device = new FakeHidDevice([telephonyCollection()]);
    const commands: HeadsetCommand[] = [];
    const control = (await HeadsetControl.attach(device, (c) => commands.push(c)))!;
    await control.show({ phase: 'ringing', muted: false });
    // Answered by mouse, hotkey or auto-answer: the headset never reported off-hook.
    await control.show({ phase: 'talking', muted: false });
    device.press({ hook: false, mute: false });
    expect(commands).toEqual(['hang-up']);
  });

  it('a momentary hook button answers on a press and hangs up on the next', async () => {
    const device = new FakeHidDevice([telephonyCollection(false, false)]);
    const commands: HeadsetCommand[] = [];
    const control = (await HeadsetControl.attach(device, (c) => commands.push(c)))!;
    await control.show({ phase: 'ringing', muted: false });
    device.press({ hook: true, mute: false });
    device.press({ hook: false, mute: false });
    expect(commands).toEqual(['answer']);
    await control.show({ phase: 'talking', muted: false });
    device.press({ hook: false, mute: true });
    device.press({ hook: false, mute: false });
    expect(commands).toEqual(['answer', 'toggle-mute']);
    device.press({ hook: true, mute: false });
    device.press({ hook: false, mute: false });
    expect(commands).toEqual(['answer', 'toggle-mute', 'hang-up']);
    await control.show({ phase: 'idle', muted: false });
    device.press({ hook: true, mute: false });
    device.press({ hook: false, mute: false });
    expect(commands).toHaveLength(3);
  });

  it('hook switch does nothing without a call to act on', async () => {
    const device = new FakeHidDevice([telephonyCollection()]);
    const commands: HeadsetCommand[] = [];
    await HeadsetControl.attach(device, (c) => commands.push(c));
    device.press({ hook: true, mute: false });
    device.press({ hook: false, mute: true });
    expect(commands).toEqual([]);
  });
});
