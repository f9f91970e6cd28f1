/**
 * A headset's momentary hook button is the same answer-or-hang-up key as the play/pause media
 * key: pressed again while the answer is still being made (the call shown *answering*), it must
 * not hang up on the customer being connected. Once the call is connected it hangs up.
 */
import { afterEach, expect, it } from 'vitest';
import { CallsApi, mountCalls, ringingSnapshot, settle, talkingSnapshot } from './calls-support';
import { FakeHid, FakeHidDevice, installHid, telephonyCollection } from './headset-support';

let uninstall = () => undefined as void;
afterEach(() => uninstall());

it('a second press of the hook button while answering leaves the customer connected', async () => {
  const hid = new FakeHid();
  // A momentary hook button (a press toggles), as many USB headsets have.
  const device = new FakeHidDevice([telephonyCollection(false, false)]);
  hid.granted = [device];
  uninstall = installHid(hid);
  const api = new CallsApi();
  api.snapshot = ringingSnapshot();
  const { api: mounted } = await mountCalls(api);
  const press = async () => {
    device.press({ hook: true, mute: false });
    device.press({ hook: false, mute: false });
    await settle();
  };
  await settle();
  await press();
  expect(mounted.callsOf('answerCall')).toEqual([['c1']]);
  mounted.push(ringingSnapshot({ phase: 'answering' }));
  await settle();
  await press();
  expect(mounted.callsOf('hangUp')).toEqual([]);
  mounted.push(talkingSnapshot());
  await settle();
  await press();
  expect(mounted.callsOf('hangUp')).toEqual([['c1']]);
});
