import { describe, expect, it } from 'vitest';
import { FakeApi, fail, signedInSnapshot } from './fake-api';
import { click, getByRole, key, queryByRole } from './queries';
import { mountApp } from './setup';

function inCall() {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot({ state: 'talking' });
  // Like main: refuse, and ask the question.
  api.handlers.signOut = (force) => {
    if (force) {
      return api.signOutDefault(force);
    }
    api.push({ ...api.snapshot, question: { kind: 'force-sign-out' } });
    return Promise.resolve(fail('in-call'));
  };
  return api;
}

describe('sign-out', () => {
  it('signs out plainly when not in a call', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    await mountApp(api);
    await click(getByRole('button', { name: '签出' }));
    expect(api.callsOf('signOut')).toEqual([[false]]);
    expect(getByRole('heading', { name: '座席签入' })).toBeTruthy();
  });

  it('in a call: asks, and forces only after the agent confirms', async () => {
    const api = inCall();
    await mountApp(api);
    await click(getByRole('button', { name: '签出' }));
    const dialog = getByRole('alertdialog', { name: '正在通话中' });
    expect(dialog.textContent).toContain('强制签出会挂断当前通话');
    expect(api.callsOf('signOut')).toEqual([[false]]); // nothing forced yet
    expect(document.activeElement?.textContent?.trim()).toBe('取消'); // the safe choice
    await click(getByRole('button', { name: '强制签出并挂断' }));
    expect(api.callsOf('signOut')).toEqual([[false], [true]]);
    expect(queryByRole('alertdialog')).toBeNull();
  });

  it('cancel dismisses the question and signs nothing out', async () => {
    const api = inCall();
    await mountApp(api);
    await click(getByRole('button', { name: '签出' }));
    await click(getByRole('button', { name: '取消' }));
    expect(api.callsOf('dismissQuestion')).toEqual([[]]);
    expect(api.callsOf('signOut')).toEqual([[false]]);
    expect(queryByRole('alertdialog')).toBeNull();
  });

  it('Escape cancels too', async () => {
    const api = inCall();
    await mountApp(api);
    await click(getByRole('button', { name: '签出' }));
    await key(getByRole('alertdialog'), 'Escape');
    expect(queryByRole('alertdialog')).toBeNull();
    expect(api.callsOf('signOut')).toEqual([[false]]);
  });

  it('asks when main asks (e.g. sign-out from the tray during a call)', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'talking' });
    await mountApp(api);
    api.push({ ...api.snapshot, question: { kind: 'force-sign-out' } });
    await new Promise((r) => setTimeout(r));
    expect(getByRole('alertdialog', { name: '正在通话中' })).toBeTruthy();
    expect(api.callsOf('signOut')).toEqual([]);
  });
});
