import { describe, expect, it } from 'vitest';
import { fail, signedInSnapshot } from './fake-api';
import {
  CallsApi,
  DEVICES,
  FakeMediaPorts,
  device,
  mountCalls,
  ringingSnapshot,
  settle,
} from './calls-support';
import { click, getByRole, textIn, type } from './queries';
import type { Settings } from '../../src/shared/settings';

async function withDevices(chosen: Partial<Settings>, ports = new FakeMediaPorts()) {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  api.settings.settings = { ...api.settings.settings, ...chosen };
  return mountCalls(api, { ports });
}
const options = (select: HTMLElement) =>
  Array.from((select as HTMLSelectElement).options).map((o) => o.textContent?.trim());

describe('audio devices', () => {
  it('lists microphones and outputs in Settings and saves a choice at once', async () => {
    const { api } = await withDevices({});
    await click(getByRole('button', { name: '设置' }));
    expect(options(getByRole('combobox', { name: '麦克风' }))).toEqual([
      '系统默认（Default - Built-in Mic）',
      'Built-in Mic',
      'USB Headset Mic',
    ]);
    expect(options(getByRole('combobox', { name: '振铃设备' }))).toEqual([
      '系统默认（Default - Speakers）',
      'Speakers',
      'USB Headset',
    ]);
    await type(getByRole('combobox', { name: '振铃设备' }), 'out-speakers');
    expect(api.callsOf('updateSettings')).toEqual([[{ ringerDeviceId: 'out-speakers' }]]);
    expect(textIn()).toContain('设备已保存。');
    await type(getByRole('combobox', { name: '扬声器' }), 'out-headset');
    expect(api.callsOf('updateSettings').at(-1)).toEqual([{ speakerDeviceId: 'out-headset' }]);
  });

  it('a choice main refuses goes back to the saved device, and says so', async () => {
    const api = new CallsApi();
    api.snapshot = signedInSnapshot();
    api.settings.settings = { ...api.settings.settings, ringerDeviceId: 'out-speakers' };
    await mountCalls(api);
    await click(getByRole('button', { name: '设置' }));
    api.handlers.updateSettings = () => Promise.resolve(fail('admin-locked'));
    const ringer = getByRole('combobox', { name: '振铃设备' }) as HTMLSelectElement;
    expect(ringer.value).toBe('out-speakers');
    await type(ringer, 'out-headset');
    await settle();
    expect(api.callsOf('updateSettings')).toEqual([[{ ringerDeviceId: 'out-headset' }]]);
    expect(textIn()).toContain('保存设备失败。');
    expect(textIn()).not.toContain('设备已保存。');
    expect(ringer.value).toBe('out-speakers');
  });

  it('falls back to the default when the chosen ringer is unplugged, naming it', async () => {
    const { ports, api } = await withDevices({ ringerDeviceId: 'out-headset' });
    expect(textIn()).not.toContain('已断开');
    ports.changeDevices(DEVICES.filter((d) => d.deviceId !== 'out-headset'));
    await settle();
    expect(textIn()).toContain(
      '所选振铃设备「USB Headset」已断开，暂用系统默认设备；重新接入后自动切回。',
    );
    // It rings on the default meanwhile; the choice itself is kept.
    api.push(ringingSnapshot());
    await settle();
    expect(ports.contexts[0]!.sinkIds).toEqual(['']);
    expect(ports.contexts[0]!.audible).toBe(true);
    expect(api.callsOf('updateSettings')).toEqual([]);
    // Plugged back in: the notice goes, and the ringer moves back to it.
    ports.changeDevices(DEVICES);
    await settle();
    expect(textIn()).not.toContain('已断开');
    expect(ports.contexts[0]!.sinkIds).toEqual(['', 'out-headset']);
    expect(ports.contexts[0]!.audible).toBe(true);
  });

  it('keeps an unplugged choice listed in Settings, marked not connected', async () => {
    const ports = new FakeMediaPorts();
    ports.devices = DEVICES.filter((d) => d.deviceId !== 'mic-headset');
    await withDevices({ microphoneDeviceId: 'mic-headset' }, ports);
    await click(getByRole('button', { name: '设置' }));
    const mic = getByRole('combobox', { name: '麦克风' }) as HTMLSelectElement;
    expect(mic.value).toBe('mic-headset');
    expect(options(mic).at(-1)).toBe('mic-headset（未连接）');
    expect(textIn()).toContain('所选麦克风已断开，暂用系统默认设备');
  });

  it('judges nothing gone before the engine shows device ids', async () => {
    const ports = new FakeMediaPorts();
    ports.devices = [device('audioinput', '', ''), device('audiooutput', '', '')];
    await withDevices({ ringerDeviceId: 'out-headset' }, ports);
    expect(textIn()).not.toContain('已断开');
    await click(getByRole('button', { name: '设置' }));
    expect(getByRole('button', { name: '显示设备名称' })).toBeTruthy();
    ports.devices = DEVICES;
    await click(getByRole('button', { name: '显示设备名称' }));
    expect(options(getByRole('combobox', { name: '扬声器' }))).toContain('USB Headset');
    expect(ports.microphones[0]!.tracks[0]!.readyState).toBe('ended');
  });

  it('Test ringtone plays on the chosen ringer', async () => {
    const { ports } = await withDevices({ ringerDeviceId: 'out-speakers' });
    await click(getByRole('button', { name: '设置' }));
    await click(getByRole('button', { name: '试听铃声' }));
    expect(ports.contexts[0]!.sinkIds).toEqual(['out-speakers']);
    expect(ports.contexts[0]!.sounding).toBe(1);
    expect(ports.contexts[0]!.audible).toBe(true);
  });
});
