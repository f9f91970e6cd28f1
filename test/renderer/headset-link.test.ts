/**
 * The agent's headset over the app's life: picked up at start, chosen again from Settings,
 * unplugged and plugged back in, and the setting switched off and on — its name in Settings and
 * its buttons (call commands to main) stay true to the headset actually in use.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { signedInSnapshot } from './fake-api';
import { CallsApi, mountCalls, ringingSnapshot, settle } from './calls-support';
import { FakeHid, FakeHidDevice, installHid } from './headset-support';
import { click, getByRole, textIn } from './queries';

let uninstall = () => undefined as void;
afterEach(() => uninstall());

/** The app with `hid` as navigator.hid, signed in, on the Settings page. */
async function withHeadset(hid: FakeHid) {
  uninstall = installHid(hid);
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  const mounted = await mountCalls(api);
  await click(getByRole('button', { name: '设置' }));
  return mounted;
}

/** A call rings; the agent lifts the headset's hook. */
async function ringAndLift(api: CallsApi, device: FakeHidDevice): Promise<void> {
  api.push(ringingSnapshot());
  await settle();
  device.press({ hook: true, mute: false });
  await settle();
}

describe('headset link', () => {
  it('choosing the headset in use again keeps its buttons and lights', async () => {
    const hid = new FakeHid();
    const device = new FakeHidDevice();
    hid.granted = [device];
    hid.pick = [device];
    const { api } = await withHeadset(hid);
    expect(textIn()).toContain('耳机：Fake Headset');

    await click(getByRole('button', { name: '连接耳机…' }));
    await settle();
    expect(textIn()).toContain('耳机：Fake Headset');
    await ringAndLift(api, device);
    expect(device.sent.at(-1)).toEqual({ reportId: 2, data: [0b100] });
    expect(api.callsOf('answerCall')).toEqual([['c1']]);
  });

  it('an unplugged headset leaves Settings; plugged back in, it answers again', async () => {
    const hid = new FakeHid();
    const device = new FakeHidDevice();
    hid.granted = [device];
    const { api } = await withHeadset(hid);
    expect(textIn()).toContain('耳机：Fake Headset');

    hid.unplug(device);
    await settle();
    expect(textIn()).not.toContain('耳机：');

    const again = new FakeHidDevice();
    hid.plug(again);
    await settle();
    expect(textIn()).toContain('耳机：Fake Headset');
    await ringAndLift(api, again);
    expect(api.callsOf('answerCall')).toEqual([['c1']]);
  });

  it('a headset plugged in while the setting is off stays unused', async () => {
    const hid = new FakeHid();
    const { api } = await withHeadset(hid);
    const view = api.settings;
    api.pushSettings({ ...view, settings: { ...view.settings, headsetCallControl: false } });
    await settle();
    const device = new FakeHidDevice();
    hid.plug(device);
    await ringAndLift(api, device);
    expect(device.opened).toBe(false);
    expect(api.callsOf('answerCall')).toEqual([]);
  });

  it('the setting switched off and straight back on keeps the headset', async () => {
    const hid = new FakeHid();
    const device = new FakeHidDevice();
    hid.granted = [device];
    const { api } = await withHeadset(hid);
    const view = api.settings;
    api.pushSettings({ ...view, settings: { ...view.settings, headsetCallControl: false } });
    await nextTick();
    api.pushSettings(view);
    await settle();
    await settle();
    expect(textIn()).toContain('耳机：Fake Headset');
    await ringAndLift(api, device);
    expect(api.callsOf('answerCall')).toEqual([['c1']]);
  });
});
