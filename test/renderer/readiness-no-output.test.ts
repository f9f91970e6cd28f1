/**
 * No speaker or headset connected at all: the light is not green ("calls can come in, but no
 * speaker or headset is connected"), and it turns green once one is plugged in. A device list
 * whose ids the engine hides (before permission) is not judged.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signedInSnapshot } from './fake-api';
import { CallsApi, DEVICES, FakeMediaPorts, device, mountCalls, settle } from './calls-support';
import { getByRole, textIn } from './queries';

afterEach(() => {
  Object.defineProperty(navigator, 'permissions', { value: undefined, configurable: true });
});

async function mountWith(devices: MediaDeviceInfo[]) {
  const ports = new FakeMediaPorts();
  ports.devices = devices;
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  Object.defineProperty(navigator, 'permissions', {
    value: { query: vi.fn(async () => ({ state: 'granted', onchange: null })) },
    configurable: true,
  });
  await mountCalls(api, { ports });
  await settle();
  return { ports, api };
}
const light = () => textIn(getByRole('heading', { name: '能否接听来电' }).parentElement!);

describe('readiness without an audio output', () => {
  it('is not green with no speaker or headset, and green once one is plugged in', async () => {
    const { ports } = await mountWith(DEVICES.filter((d) => d.kind !== 'audiooutput'));
    expect(light()).toContain('可以接听来电，但未连接扬声器或耳机');
    expect(document.querySelector('.readiness')?.classList.contains('ok')).toBe(false);
    ports.changeDevices([...DEVICES]);
    await settle();
    expect(light()).not.toContain('未连接扬声器或耳机');
    expect(light()).toContain('可以接听来电');
    expect(document.querySelector('.readiness')?.classList.contains('ok')).toBe(true);
  });

  it('does not judge a list whose ids the engine hides before permission', async () => {
    const { api } = await mountWith([device('audioinput', '', '')]);
    expect(light()).not.toContain('未连接扬声器或耳机');
    // Nor tells main anything: an output it cannot see is unknown, not missing.
    expect(api.callsOf('reportOutput')).toEqual([]);
  });

  it('tells main (for the tray) when the list has no output, and again when one is back', async () => {
    const { ports, api } = await mountWith(DEVICES.filter((d) => d.kind !== 'audiooutput'));
    expect(api.callsOf('reportOutput')).toEqual([[false]]);
    // A device change that leaves the answer as it was sends nothing.
    ports.changeDevices(DEVICES.filter((d) => d.kind === 'audioinput'));
    await settle();
    expect(api.callsOf('reportOutput')).toEqual([[false]]);
    ports.changeDevices([...DEVICES]);
    await settle();
    expect(api.callsOf('reportOutput')).toEqual([[false], [true]]);
  });

  it('tells main an output is connected when the first list has one', async () => {
    const { api } = await mountWith([...DEVICES]);
    expect(api.callsOf('reportOutput')).toEqual([[true]]);
  });
});
