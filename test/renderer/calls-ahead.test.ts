/**
 * A ringing call reaches the screen first: the panel is in the page as soon as the push that
 * brought it has been handled, and the rest of the window (state, controls, readiness) follows in
 * the same frame — or at once on the next task when the window is hidden (no frames there).
 * The panel itself is kept between calls and re-inserted, showing the new caller.
 */
import { nextTick } from 'vue';
import { afterEach, describe, expect, it } from 'vitest';
import { signedInSnapshot } from './fake-api';
import { CallsApi, mountCalls, ringingSnapshot, settle } from './calls-support';
import { getByRole, queryByRole, textIn } from './queries';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
/** The state as the status card says it (its live region: what a screen reader hears too). */
const stateSaid = () =>
  getByRole('heading', { name: '当前状态' }).parentElement!.querySelector('[aria-live="polite"]')!
    .textContent;
const hidden = (value: boolean) =>
  Object.defineProperty(document, 'hidden', { value, configurable: true });

async function signedIn() {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot({ state: 'idle' });
  const mounted = await mountCalls(api);
  return mounted.api;
}

afterEach(() => hidden(false));

describe('a ringing call reaches the screen first', () => {
  it('shows the panel once the push is handled, and the state in the same frame', async () => {
    const api = await signedIn();
    expect(stateSaid()).toBe('当前状态：空闲');
    api.push(ringingSnapshot({ caller: '13800000001' }));
    await nextTick();
    expect(queryByRole('heading', { name: '来电振铃中' })).not.toBeNull();
    await nextFrame();
    expect(stateSaid()).toBe('当前状态：振铃中');
    expect(getByRole('button', { name: '空闲' }).hasAttribute('disabled')).toBe(true);
  });

  it('brings the state along on the next task when the window is hidden', async () => {
    const api = await signedIn();
    hidden(true);
    api.push(ringingSnapshot({ caller: '13800000001' }));
    await settle();
    expect(queryByRole('heading', { name: '来电振铃中' })).not.toBeNull();
    expect(stateSaid()).toBe('当前状态：振铃中');
  });

  it('a push that comes before the frame wins over the one still waiting for it', async () => {
    const api = await signedIn();
    api.push(ringingSnapshot({ id: 'c1' }));
    await nextTick();
    // The caller gave up before the frame: the window shows the end, never the stale ring.
    api.push(signedInSnapshot({ state: 'busy' }));
    await nextFrame();
    await settle();
    expect(queryByRole('heading', { name: '来电振铃中' })).toBeNull();
    expect(stateSaid()).toBe('当前状态：忙碌');
  });

  it('re-inserts the same panel for the next call, with the new caller and Answer focused', async () => {
    const api = await signedIn();
    api.push(ringingSnapshot({ id: 'c1', caller: '13800000001' }));
    await settle();
    const first = getByRole('heading', { name: '来电振铃中' }).closest('section')!;
    api.push(signedInSnapshot({ state: 'idle' }));
    await settle();
    expect(queryByRole('heading', { name: '来电振铃中' })).toBeNull();
    api.push(ringingSnapshot({ id: 'c2', caller: '13800000002' }));
    await settle();
    const second = getByRole('heading', { name: '来电振铃中' }).closest('section')!;
    expect(second).toBe(first);
    expect(textIn(second)).toContain('13800000002');
    expect(textIn(second)).not.toContain('13800000001');
    expect(document.activeElement).toBe(getByRole('button', { name: '接听' }));
  });
});

describe("main's note of a new ringing call, ahead of its snapshot", () => {
  it('draws the panel from the note, and the state from the snapshot before the frame', async () => {
    const api = await signedIn();
    const ringing = ringingSnapshot({ id: 'c1', caller: '13800000001' });
    api.pushRinging(ringing.call!);
    await nextTick();
    const panel = getByRole('heading', { name: '来电振铃中' }).closest('section')!;
    expect(textIn(panel)).toContain('13800000001');
    api.push(ringing);
    await nextTick();
    // Its snapshot is the ring's: it waits for the frame as one that brought the call would.
    expect(stateSaid()).toBe('当前状态：空闲');
    await nextFrame();
    expect(stateSaid()).toBe('当前状态：振铃中');
    expect(getByRole('heading', { name: '来电振铃中' }).closest('section')).toBe(panel);
  });

  it('takes the panel away when the snapshot that follows has no call', async () => {
    const api = await signedIn();
    api.pushRinging(ringingSnapshot({ id: 'c1' }).call!);
    await nextTick();
    expect(queryByRole('heading', { name: '来电振铃中' })).not.toBeNull();
    api.push(signedInSnapshot({ state: 'idle' }));
    await nextFrame();
    await settle();
    expect(queryByRole('heading', { name: '来电振铃中' })).toBeNull();
    expect(stateSaid()).toBe('当前状态：空闲');
  });

  it('brings the state along on the next task when the window is hidden', async () => {
    const api = await signedIn();
    hidden(true);
    const ringing = ringingSnapshot({ id: 'c1', caller: '13800000001' });
    api.pushRinging(ringing.call!);
    api.push(ringing);
    await settle();
    expect(queryByRole('heading', { name: '来电振铃中' })).not.toBeNull();
    expect(stateSaid()).toBe('当前状态：振铃中');
  });
});
