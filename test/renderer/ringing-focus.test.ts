/**
 * A ring while the agent works in another app (the CRM): the shell shows the window without
 * activating it, so this page does not have the focus. Answer must not take the focus then (the
 * agent's next Space or Enter is meant for the CRM) and the announcement must not say to press
 * Enter. Once the agent brings the window forward themselves, Answer takes the focus.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signedInSnapshot } from './fake-api';
import { CallsApi, mountCalls, ringingSnapshot, settle } from './calls-support';
import { getByRole } from './queries';

const live = () => document.querySelector('[aria-live="assertive"]')?.textContent;
const windowFocus = (has: boolean) => vi.spyOn(document, 'hasFocus').mockReturnValue(has);

async function signedIn() {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  return mountCalls(api, { language: 'zh-CN' });
}

afterEach(() => vi.restoreAllMocks());

describe('a ring while another app has the keyboard', () => {
  it('leaves the focus alone and does not say to press Enter', async () => {
    const { api } = await signedIn();
    windowFocus(false);
    const before = document.activeElement;
    api.push(ringingSnapshot());
    await settle();
    const answer = getByRole('button', { name: '接听' });
    expect(document.activeElement).not.toBe(answer);
    expect(document.activeElement).toBe(before);
    expect(live()).toBe('来电振铃：13800000000。接听按钮在窗口顶部。');
  });

  it('Answer takes the focus when the agent brings the window forward while it rings', async () => {
    const { api } = await signedIn();
    const focus = windowFocus(false);
    api.push(ringingSnapshot());
    await settle();
    const answer = getByRole('button', { name: '接听' });
    expect(document.activeElement).not.toBe(answer);
    focus.mockReturnValue(true);
    window.dispatchEvent(new Event('focus'));
    await settle();
    expect(document.activeElement).toBe(answer);
  });

  it('a window that gains the focus after the ring ended takes nothing', async () => {
    const { api } = await signedIn();
    const focus = windowFocus(false);
    api.push(ringingSnapshot());
    await settle();
    api.push(signedInSnapshot());
    await settle();
    const before = document.activeElement;
    focus.mockReturnValue(true);
    window.dispatchEvent(new Event('focus'));
    await settle();
    expect(document.activeElement).toBe(before);
  });

  it('with the window focused Answer takes the focus and Enter is announced, as before', async () => {
    const { api } = await signedIn();
    windowFocus(true);
    api.push(ringingSnapshot());
    await settle();
    expect(document.activeElement).toBe(getByRole('button', { name: '接听' }));
    expect(live()).toBe('来电振铃：13800000000。按回车接听。');
  });
});
