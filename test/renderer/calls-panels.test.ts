import { describe, expect, it, vi } from 'vitest';
import { RINGING_TEXT } from '../../src/shared/i18n/notifications';
import { fail, signedInSnapshot } from './fake-api';
import { CallsApi, mountCalls, ringingSnapshot, settle, talkingSnapshot } from './calls-support';
import { click, getByRole, key, queryByRole, textIn } from './queries';

async function signedIn(language: 'zh-CN' | 'en' = 'zh-CN') {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  return mountCalls(api, { language });
}

describe('ringing panel', () => {
  it('appears from a pushed snapshot, announced and with Answer focused', async () => {
    const { api } = await signedIn();
    expect(queryByRole('button', { name: '接听' })).toBeNull();
    api.push(ringingSnapshot({ caller: '张三 <13800000000>' }));
    await settle();
    const panel = getByRole('heading', { name: '来电振铃中' }).closest('section')!;
    expect(textIn(panel)).toContain('张三 <13800000000>');
    expect(textIn(panel)).toMatch(/已振铃 00:0[3-4]/);
    const answer = getByRole('button', { name: '接听' });
    expect(document.activeElement).toBe(answer);
    const live = document.querySelector('[aria-live="assertive"]');
    expect(live?.textContent).toBe('来电振铃：张三 <13800000000>。按回车接听。');
  });

  it('Answer and Reject call main with the call id', async () => {
    const { api } = await signedIn();
    api.push(ringingSnapshot({ id: 'call-7' }));
    await settle();
    await click(getByRole('button', { name: '接听' }));
    expect(api.callsOf('answerCall')).toEqual([['call-7']]);
    api.push(ringingSnapshot({ id: 'call-8' }));
    await settle();
    await click(getByRole('button', { name: '拒接' }));
    expect(api.callsOf('rejectCall')).toEqual([['call-8']]);
  });

  it('Enter answers; Escape does not reject', async () => {
    const { api } = await signedIn();
    api.push(ringingSnapshot());
    await settle();
    const panel = getByRole('heading', { name: '来电振铃中' }).closest('section')!;
    await key(panel, 'Escape');
    expect(api.callsOf('rejectCall')).toEqual([]);
    await key(panel, 'Enter');
    expect(api.callsOf('answerCall')).toEqual([['c1']]);
  });

  it('a call ringing while the agent types a busy reason: the menu closes and Enter answers', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '忙碌' }));
    const field = getByRole('textbox', { name: '自定义忙碌原因' });
    field.focus();
    field.setAttribute('value', '午餐');
    // The note draws the panel first; the snapshot that locks the state controls follows.
    api.pushRinging(ringingSnapshot().call!);
    await settle();
    api.push(ringingSnapshot());
    await settle();
    expect(queryByRole('menu')).toBeNull();
    const answer = getByRole('button', { name: '接听' });
    expect(document.activeElement).toBe(answer);
    const live = document.querySelector('[aria-live="assertive"]');
    expect(live?.textContent).toContain('按回车接听');
    const panel = getByRole('heading', { name: '来电振铃中' }).closest('section')!;
    await key(panel, 'Enter');
    expect(api.callsOf('answerCall')).toEqual([['c1']]);
    expect(api.callsOf('setState')).toEqual([]);
  });

  it('does not take the focus from a field the agent is typing in', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '设置' }));
    const field = getByRole('textbox', { name: 'AppID' });
    field.focus();
    api.push(ringingSnapshot());
    await settle();
    expect(getByRole('button', { name: '接听' })).toBeTruthy();
    expect(document.activeElement).toBe(field);
    // Enter would type in the field, not answer: the announcement does not say to press it.
    const live = document.querySelector('[aria-live="assertive"]');
    expect(live?.textContent).toBe('来电振铃：13800000000。接听按钮在窗口顶部。');
  });

  it('rings above every screen (not only Status)', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '团队' }));
    api.push(ringingSnapshot());
    await settle();
    expect(getByRole('button', { name: '接听' })).toBeTruthy();
  });

  it('says why answering failed', async () => {
    const { api } = await signedIn();
    api.handlers.answerCall = () => Promise.resolve(fail('transport', 'gone'));
    api.push(ringingSnapshot());
    await settle();
    await click(getByRole('button', { name: '接听' }));
    expect(getByRole('alert').textContent).toMatch(/^接听失败。/);
  });

  it('still says why when a failed answer ended the call', async () => {
    const { api } = await signedIn();
    api.handlers.answerCall = () => {
      // Main ends the call (a missed offer) before it answers the command.
      api.push(signedInSnapshot());
      return Promise.resolve(fail('media', 'the window did not answer'));
    };
    api.push(ringingSnapshot());
    await settle();
    await click(getByRole('button', { name: '接听' }));
    expect(getByRole('alert').textContent).toBe('接听失败。音频设备或媒体连接出现问题。');
    api.push(ringingSnapshot({ id: 'c2' }));
    await settle();
    expect(queryByRole('alert')).toBeNull();
  });

  it('a failed answer that leaves the call ringing rings again', async () => {
    const { api, ports } = await signedIn();
    api.handlers.answerCall = () => Promise.resolve(fail('transport', 'gone'));
    api.push(ringingSnapshot());
    await settle();
    const context = ports.contexts[0]!;
    expect(context.audible).toBe(true);
    await click(getByRole('button', { name: '接听' }));
    await settle();
    // Main still has the call ringing (nothing changed there): the agent still hears it.
    expect(api.snapshot.call?.phase).toBe('ringing');
    expect(getByRole('alert').textContent).toMatch(/^接听失败。/);
    expect(context.audible).toBe(true);
  });

  it('hanging up while the call is still being answered ends quietly, without "answering failed"', async () => {
    const { api } = await signedIn();
    let answered: (r: ReturnType<typeof fail>) => void = () => undefined;
    api.handlers.answerCall = (id) => {
      api.push(ringingSnapshot({ id, phase: 'answering' }));
      return new Promise((resolve) => (answered = resolve));
    };
    api.handlers.hangUp = async () => {
      api.push(signedInSnapshot());
      return { ok: true, value: api.snapshot };
    };
    api.push(ringingSnapshot());
    await settle();
    await click(getByRole('button', { name: '接听' }));
    await settle();
    // The microphone takes a few seconds: the agent changes their mind and hangs up.
    await click(getByRole('button', { name: '挂断' }));
    await settle();
    // Main's answer then returns as CallController.answer does for a call ended meanwhile.
    answered(fail('call-gone', 'the call ended before it was answered (hung up)'));
    await settle();
    expect(queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toContain('接听失败');
  });

  it('uses English names in English', async () => {
    const { api } = await signedIn('en');
    api.push(ringingSnapshot());
    await settle();
    expect(getByRole('button', { name: 'Answer' })).toBeTruthy();
    expect(getByRole('button', { name: 'Reject' })).toBeTruthy();
    expect(getByRole('heading', { name: 'Incoming call ringing' })).toBeTruthy();
  });

  it('leaves nothing behind when the call ends', async () => {
    const { api } = await signedIn();
    api.push(ringingSnapshot());
    await settle();
    api.push(signedInSnapshot());
    await settle();
    expect(queryByRole('button', { name: '接听' })).toBeNull();
    expect(queryByRole('heading', { name: '来电振铃中' })).toBeNull();
    expect(document.querySelector('[aria-live="assertive"]')?.textContent).toBe('');
  });
});

describe('talking panel', () => {
  it('takes the focus to the call panel once the answered call is up (Answer is gone)', async () => {
    const { api } = await signedIn();
    api.push(ringingSnapshot());
    await settle();
    expect(document.activeElement).toBe(getByRole('button', { name: '接听' }));
    await click(getByRole('button', { name: '接听' }));
    api.push(ringingSnapshot({ phase: 'answering' }));
    await settle();
    api.push(talkingSnapshot());
    await settle();
    // The panel, not Hang up: a second Enter after the one that answered must not hang up.
    const panel = document.activeElement as HTMLElement;
    expect(panel.tagName).toBe('SECTION');
    expect(panel.contains(getByRole('button', { name: '挂断' }))).toBe(true);
  });

  it('leaves the focus in a field the agent is typing in when the call comes up', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '设置' }));
    const field = getByRole('textbox', { name: 'AppID' });
    field.focus();
    api.push(ringingSnapshot());
    await settle();
    api.push(talkingSnapshot());
    await settle();
    expect(getByRole('button', { name: '挂断' })).toBeTruthy();
    expect(document.activeElement).toBe(field);
  });

  it('shows the caller and the call time, and hangs up with the call id', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot({ id: 'c9', caller: '13900000000' });
    await mountCalls(api);
    const panel = getByRole('heading', { name: '通话中' }).closest('section')!;
    expect(textIn(panel)).toContain('13900000000');
    expect(textIn(panel)).toMatch(/通话时长 01:0[5-6]/);
    await click(getByRole('button', { name: '挂断' }));
    expect(api.callsOf('hangUp')).toEqual([['c9']]);
  });

  it('Mute is a toggle that tells main, and says the caller cannot hear', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot();
    api.handlers.setMuted = (id, muted) => {
      api.push(talkingSnapshot({ id, muted }));
      return Promise.resolve({ ok: true, value: api.snapshot });
    };
    await mountCalls(api);
    const mute = getByRole('button', { name: '静音' });
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    await click(mute);
    expect(api.callsOf('setMuted')).toEqual([['c1', true]]);
    expect(getByRole('button', { name: '静音' }).getAttribute('aria-pressed')).toBe('true');
    expect(textIn()).toContain('麦克风已静音，对方听不到你。');
    await click(getByRole('button', { name: '静音' }));
    expect(api.callsOf('setMuted')).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
    expect(getByRole('button', { name: '静音' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('shows answering while main sets the call up, with Hang up available', async () => {
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ phase: 'answering' });
    await mountCalls(api);
    expect(getByRole('heading', { name: '正在接听' })).toBeTruthy();
    expect((getByRole('button', { name: '挂断' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('names the buttons in English', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot();
    await mountCalls(api, { language: 'en' });
    expect(getByRole('button', { name: 'Hang up' })).toBeTruthy();
    expect(getByRole('button', { name: 'Mute' }).getAttribute('aria-pressed')).toBe('false');
  });
});

describe('state controls during a call', () => {
  it.each([
    ['ringing', ringingSnapshot()],
    ['talking', talkingSnapshot()],
  ])('are disabled while %s', async (_phase, snapshot) => {
    const api = new CallsApi();
    api.snapshot = snapshot;
    await mountCalls(api);
    for (const name of ['空闲', '忙碌', '离开']) {
      expect((getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    }
  });

  it('come back when the call ends', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot();
    await mountCalls(api);
    api.push(signedInSnapshot({ state: 'idle' }));
    await settle();
    expect((getByRole('button', { name: '空闲' }) as HTMLButtonElement).disabled).toBe(false);
    expect(queryByRole('button', { name: '挂断' })).toBeNull();
  });
});

describe('OS notification', () => {
  class FakeNotification {
    static permission = 'granted';
    static shown: FakeNotification[] = [];
    closed = false;
    onclick: (() => void) | null = null;
    constructor(
      readonly title: string,
      readonly options: NotificationOptions,
    ) {
      FakeNotification.shown.push(this);
    }
    close(): void {
      this.closed = true;
    }
  }
  const hidden = (value: boolean) =>
    Object.defineProperty(document, 'hidden', { value, configurable: true });

  it('is shown while the page is hidden, silent (the ringtone rings), and closed on answer', async () => {
    FakeNotification.shown = [];
    vi.stubGlobal('Notification', FakeNotification);
    try {
      const { api } = await signedIn();
      hidden(true);
      api.push(ringingSnapshot({ caller: '13800000000' }));
      await settle();
      const [shown] = FakeNotification.shown;
      // The same words as main's native notification: one text for both.
      expect(shown).toMatchObject({
        title: RINGING_TEXT['zh-CN'].title,
        options: { body: RINGING_TEXT['zh-CN'].body('13800000000'), silent: true },
      });
      expect(shown?.options.body).toBe('13800000000 正在呼叫');
      api.push(talkingSnapshot());
      await settle();
      expect(shown!.closed).toBe(true);
      hidden(false);
      api.push(ringingSnapshot({ id: 'c2' }));
      await settle();
      expect(FakeNotification.shown).toHaveLength(1);
    } finally {
      hidden(false);
      vi.unstubAllGlobals();
    }
  });
});

describe('running times on screen', () => {
  it("the state's time and the call's duration tick on one clock: one timer a second", async () => {
    const set = vi.spyOn(window, 'setInterval');
    const clear = vi.spyOn(window, 'clearInterval');
    try {
      const { api } = await signedIn();
      api.push(talkingSnapshot());
      await settle();
      const times = [...document.querySelectorAll('time')].map((t) => t.textContent);
      expect(times).toHaveLength(2);
      expect(times).toContain('01:05');
      const cleared = new Set(clear.mock.calls.map(([id]) => id));
      const everySecond = set.mock.calls
        .map(([, ms], i) => ({ ms, id: set.mock.results[i]!.value as unknown }))
        .filter(({ ms, id }) => ms === 1000 && !cleared.has(id as never));
      expect(everySecond).toHaveLength(1);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });
});
