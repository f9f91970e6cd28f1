import { describe, expect, it } from 'vitest';
import { FakeApi, fail, signedInSnapshot } from './fake-api';
import { click, getByRole, key, queryByRole, textIn } from './queries';
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

  it('puts the keyboard on the sign-in form, not the page, once signed out', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    await mountApp(api);
    const signOut = getByRole('button', { name: '签出' });
    signOut.focus();
    await click(signOut);
    expect(document.activeElement).toBe(getByRole('textbox', { name: '座席名' }));
  });

  it('after a forced sign-out too (the dialog has no Sign out to go back to)', async () => {
    const api = inCall();
    await mountApp(api);
    const signOut = getByRole('button', { name: '签出' });
    signOut.focus();
    await click(signOut);
    await click(getByRole('button', { name: '强制签出并挂断' }));
    expect(document.activeElement).toBe(getByRole('textbox', { name: '座席名' }));
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

  it('Escape gives the focus back to Sign out (kept there while the request ran)', async () => {
    const api = inCall();
    const refuse = api.handlers.signOut!;
    // Main's question comes over IPC, after the window has drawn the request as under way.
    api.handlers.signOut = async (force) => {
      await new Promise((r) => setTimeout(r));
      return refuse(force);
    };
    await mountApp(api);
    // Chromium drops the focus of a control that becomes disabled; happy-dom keeps it (and will
    // not blur a disabled element): do what Chromium does.
    const dropFocus = new MutationObserver(() => {
      const active = document.activeElement as HTMLButtonElement | null;
      if (!active?.disabled) return;
      active.disabled = false;
      active.blur();
      active.disabled = true;
    });
    dropFocus.observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['disabled'],
    });
    const signOut = getByRole('button', { name: '签出' });
    signOut.focus();
    await click(signOut);
    await new Promise((r) => setTimeout(r));
    expect(getByRole('alertdialog')).toBeTruthy();
    await key(getByRole('alertdialog'), 'Escape');
    dropFocus.disconnect();
    expect(queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(signOut);
  });

  it('while the request runs, Sign out says so and a second press sends nothing', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    let release = () => {};
    api.handlers.signOut = (force) =>
      new Promise((resolve) => (release = () => resolve(api.signOutDefault(force))));
    await mountApp(api);
    const signOut = getByRole('button', { name: '签出' });
    await click(signOut);
    expect(signOut.getAttribute('aria-disabled')).toBe('true');
    await click(signOut);
    expect(api.callsOf('signOut')).toEqual([[false]]);
    release();
    await new Promise((r) => setTimeout(r));
    expect(getByRole('heading', { name: '座席签入' })).toBeTruthy();
  });

  it('not taken yet (no answer): says it is sent again and the agent is still signed in', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    // Like main: the logout got no answer, so it is owed and the snapshot says so.
    api.handlers.signOut = () => {
      api.push({ ...api.snapshot, signOutPending: true });
      return Promise.resolve(fail('transport', 'connect ECONNREFUSED'));
    };
    await mountApp(api);
    await click(getByRole('button', { name: '签出' }));
    expect(textIn()).toContain('平台尚未接受签出，正在自动重试；在此之前您仍处于签入状态。');
    // Not also a failure the agent would have to act on.
    expect(textIn()).not.toContain('签出失败');
    api.push({ ...api.snapshot, signOutPending: false });
    await new Promise((r) => setTimeout(r));
    expect(textIn()).not.toContain('平台尚未接受签出');
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
