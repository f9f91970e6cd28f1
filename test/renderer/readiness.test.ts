import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_TEXT } from '../../src/shared/domain/errors';
import { FakeApi, signedInSnapshot } from './fake-api';
import { getByRole, textIn } from './queries';
import { mountApp } from './setup';
import type { SessionSnapshot } from '../../src/shared/snapshot';

function stubMicrophone(state: PermissionState | 'unsupported') {
  const permissions =
    state === 'unsupported'
      ? undefined
      : { query: vi.fn(async () => ({ state, onchange: null }) as unknown as PermissionStatus) };
  Object.defineProperty(navigator, 'permissions', { value: permissions, configurable: true });
}

async function show(
  patch: Partial<SessionSnapshot>,
  mic: PermissionState | 'unsupported' = 'granted',
) {
  stubMicrophone(mic);
  const api = new FakeApi();
  api.snapshot = signedInSnapshot(patch);
  const mounted = await mountApp(api);
  const region = getByRole('heading', { name: '能否接听来电' }).parentElement!;
  return { ...mounted, region, headline: getByRole('status', { name: undefined }, region) };
}

afterEach(() => stubMicrophone('unsupported'));

const FAULTY = '平台有应答，但拒绝或无法正确处理本会话的请求。';

/** The banners above the screen, as the agent reads them, top to bottom. */
function banners(): string[] {
  const box = document.querySelector('.banners');
  return box ? [...box.children].map((el) => el.textContent!.trim()) : [];
}

describe('readiness light', () => {
  it('is green only when every link is known fine, and reports the microphone to main', async () => {
    const { region, api } = await show({});
    expect(textIn(region)).toContain('可以接听来电');
    expect(textIn(region)).toContain('麦克风：正常');
    expect(textIn(region)).not.toContain('未启用任何技能');
    expect(api.callsOf('reportMicrophone')).toContainEqual(['ok']);
  });

  it('says no queued call will come while no skill is enabled', async () => {
    const base = signedInSnapshot();
    const none = { ...base.agent!, skills: [{ name: '投诉', score: 3, enabled: false }] };
    const { region } = await show({ agent: none });
    expect(textIn(region)).toContain('可以接听来电');
    expect(textIn(region)).toContain('未启用任何技能：平台不会为您分配排队中的来电');
  });

  it('says nothing of skills while the agent is busy (no call comes anyway)', async () => {
    const base = signedInSnapshot();
    const { region } = await show({ agent: { ...base.agent!, skills: [] }, state: 'busy' });
    expect(textIn(region)).toContain('平台不会分配来电：当前为忙碌');
    expect(textIn(region)).not.toContain('未启用任何技能');
  });

  it('names the SIP line when it is down', async () => {
    const base = signedInSnapshot();
    const { headline } = await show({ sip: { ...base.sip, state: 'backing-off' } });
    expect(headline.textContent).toContain('暂不能接听：SIP 线路未注册');
  });

  it('names the platform when it is unreachable, with a banner and the next retry', async () => {
    const base = signedInSnapshot();
    const retry = new Date(2026, 0, 1, 14, 3, 21).getTime();
    const { headline } = await show({
      platform: { ...base.platform, health: 'unreachable', nextRetryAt: retry },
    });
    expect(headline.textContent).toContain('暂不能接听：平台无法连接');
    expect(textIn()).toContain('无法连接平台，正在自动重试。下次重试：14:03:21。');
  });

  it('names the microphone when permission is denied', async () => {
    const { headline, api } = await show({}, 'denied');
    expect(headline.textContent).toContain('暂不能接听：麦克风不可用');
    expect(api.callsOf('reportMicrophone')).toContainEqual(['broken']);
  });

  it('never calls an unknown microphone fine', async () => {
    const { headline, region, api } = await show({}, 'unsupported');
    expect(headline.textContent).toContain('尚无法确认：麦克风状态未知');
    expect(textIn(region)).toContain('麦克风：未知');
    expect(api.callsOf('reportMicrophone')).toContainEqual(['unknown']);
  });

  it('names the session while it is being restored (not "signed out")', async () => {
    const { headline } = await show({ phase: 'restoring' });
    expect(headline.textContent).toContain('暂不能接听：会话正在恢复');
  });

  it('separates link and health per language', async () => {
    const { region } = await show({});
    expect(textIn(region)).toContain('SIP 线路：正常');
  });

  it('says so when the links are fine but the agent is not idle', async () => {
    const { region } = await show({ state: 'busy/会议' });
    expect(textIn(region)).toContain('平台不会分配来电');
  });

  // The headline answers "will the platform send me a call right now?": green only when
  // exactly idle with every link fine, amber naming the reason otherwise.
  const call = {
    id: 'c1',
    caller: '13800000000',
    phase: 'ringing' as const,
    ringingSince: 0,
    talkingSince: null,
    muted: false,
  };
  it.each<[string, Partial<SessionSnapshot>, string]>([
    ['busy', { state: 'busy/会议' }, '平台不会分配来电：当前为忙碌'],
    ['away', { state: 'away' }, '平台不会分配来电：当前为离开'],
    ['online', { state: 'online' }, '平台不会分配来电：当前为在线（只有空闲才会收到来电）'],
    ['ringing', { state: 'fetching' }, '来电振铃中'],
    ['talking', { state: 'talking/呼入' }, '通话中，平台不会分配新的来电'],
    ['an unrouted call ringing', { state: 'idle', call }, '来电振铃中'],
  ])('is not green while %s, and names why', async (_what, patch, words) => {
    const { headline, region } = await show(patch);
    expect(headline.textContent).toContain(words);
    expect(headline.textContent).not.toContain('可以接听来电');
    expect(region.classList.contains('ok')).toBe(false);
    expect(region.classList.contains('waiting')).toBe(true);
  });

  it('is green when exactly idle with every link fine', async () => {
    const { headline, region } = await show({ state: 'idle' });
    expect(headline.textContent).toContain('可以接听来电');
    expect(region.classList.contains('ok')).toBe(true);
  });

  it('calls an HTTP error an answer with an error, not an unreachable platform', async () => {
    const base = signedInSnapshot();
    const { headline } = await show({
      platform: {
        ...base.platform,
        health: 'unreachable',
        lastError: { code: 'http-error', message: '', detail: 'HTTP 500 <html>' },
      },
    });
    expect(headline.textContent).toContain('平台返回错误');
    expect(headline.textContent).not.toContain('无法连接');
    expect(textIn()).not.toContain('无法连接平台');
  });

  it("says the agent gateway's trouble as the gateway's, in the light and the banner", async () => {
    const base = signedInSnapshot();
    const { headline } = await show({
      platform: {
        ...base.platform,
        health: 'unreachable',
        lastError: {
          code: 'gateway-trouble',
          message: '',
          detail: 'HTTP 502 the platform could not be reached (GW0502)',
        },
      },
      lastError: { code: 'gateway-trouble', message: '' },
    });
    expect(headline.textContent).toContain('座席网关无法转达请求');
    expect(banners()).toContain('座席网关暂时无法转达请求。正在自动重试。');
    // Said once (the banner), not again as the last error; never "the platform answered".
    expect(textIn()).not.toContain('请稍后重试');
    expect(textIn()).not.toContain('平台已连接');
  });

  it('says a missing SIP URL is a settings problem, not a retry', async () => {
    const base = signedInSnapshot();
    const { headline } = await show({
      sip: {
        ...base.sip,
        state: 'stopped',
        lastError: { code: 'sip-not-configured', message: '' },
      },
    });
    expect(headline.textContent).toContain('未配置 SIP 服务器');
    expect(textIn()).not.toContain('正在自动重试');
  });
});

describe('banners', () => {
  it('shows the restoring banner', async () => {
    await show({ phase: 'restoring' });
    expect(textIn()).toContain('会话已中断，正在重新签入并恢复您选择的状态');
  });

  it('shows a system hold and what happens next', async () => {
    await show({ hold: { reason: 'lock', since: 0 }, state: 'away/锁屏' });
    expect(textIn()).toContain('锁屏期间已将您设为离开，解锁后会恢复之前的状态。');
  });

  it('says why the agent is busy after the window crashed, and what to do if it stays', async () => {
    await show({ hold: { reason: 'crash', since: 0 }, state: 'busy/system/crash' });
    expect(textIn()).toContain('窗口出现故障并已重新打开；为避免漏接来电，已将您设为忙碌。');
    expect(textIn()).toContain('如未恢复，请自行选择状态。');
  });

  it('says plainly when another desktop took the agent over', async () => {
    stubMicrophone('granted');
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({
      phase: 'signed-out',
      state: null,
      takeover: { clue: 'state', detail: 'x', since: 0 },
    });
    await mountApp(api);
    // Shown above the sign-in form, where the agent lands.
    expect(getByRole('alert')).toBeTruthy();
    expect(textIn()).toContain('您的座席已在另一台电脑或话机上以同一分机签入');
  });

  it('taken over during a call: says the call goes on and this desktop stops after it', async () => {
    stubMicrophone('granted');
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({
      state: 'talking',
      call: {
        id: 'c1',
        caller: '13800000001',
        phase: 'talking',
        ringingSince: 0,
        talkingSince: 0,
        muted: false,
      },
      takeover: { clue: 'register', detail: 'x', since: 0 },
    });
    await mountApp(api);
    expect(textIn(getByRole('alert'))).toContain('当前通话不受影响，通话结束后本机将停止工作。');
    expect(textIn()).not.toContain('本机已停止工作');
  });

  it('says when the state was changed on the platform, in words, until the agent chooses', async () => {
    const at = new Date(2026, 10, 29, 10, 2, 5).getTime();
    const { api } = await show({
      state: 'busy/培训',
      chosenState: 'busy/培训',
      stateSetElsewhere: { state: 'busy/培训', at },
    });
    expect(textIn()).toContain('10:02:05 平台上的状态被改为“忙碌 · 培训”（主管或管理工具所改）');
    expect(textIn()).not.toContain('busy/');
    api.push({ ...api.snapshot, state: 'idle', stateSetElsewhere: null });
    await flushPromises();
    expect(textIn()).not.toContain('平台上的状态被改为');
  });

  it('says a state the platform was too busy for is being retried, in words', async () => {
    await show({ pendingState: 'busy/小休' });
    expect(textIn()).toContain('平台尚未接受“忙碌 · 小休”，正在自动重试。');
    expect(textIn()).not.toContain('busy/');
  });

  it('says the retried state in the window language, not as its wire value', async () => {
    stubMicrophone('granted');
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/会议', pendingState: 'idle' });
    await mountApp(api, { language: 'en' });
    expect(textIn()).toContain('The platform has not taken “Idle” yet; retrying automatically.');
  });

  it('does not say a pending change is retried beside refused credentials (401)', async () => {
    const base = signedInSnapshot();
    const refused = { code: 'auth-failed' as const, message: 'HTTP 401' };
    // Main kept the agent's choice while the platform was away; now it refuses the key.
    await show({
      state: 'idle',
      pendingState: 'busy/小休',
      platform: { ...base.platform, health: 'auth-failed', lastError: refused },
      lastError: refused,
    });
    // One thing to act on: the credentials. No "retrying" that cannot succeed beside it.
    expect(banners()).toEqual([ERROR_TEXT['auth-failed']['zh-CN']]);
    expect(textIn()).not.toContain('正在自动重试');
  });

  it('does not say a pending change is retried while the gateway asks for the password', async () => {
    const base = signedInSnapshot();
    const lapsed = { code: 'gateway-signed-out' as const, message: 'HTTP 401' };
    await show({
      pendingState: 'busy/小休',
      platform: { ...base.platform, health: 'faulty', lastError: lapsed },
      lastError: lapsed,
      access: { mode: 'gateway', signInNeeded: true },
    });
    expect(getByRole('alertdialog')).toBeTruthy();
    expect(textIn()).not.toContain('正在自动重试');
  });

  it('says a platform that answers but refuses this session in a banner', async () => {
    const base = signedInSnapshot();
    await show({ platform: { ...base.platform, health: 'faulty' } });
    expect(banners()).toEqual([FAULTY]);
  });

  it('says a lapsed gateway token once: the sign-in-again prompt, no "refuses" banner', async () => {
    const base = signedInSnapshot();
    const lapsed = { code: 'gateway-signed-out' as const, message: 'HTTP 401' };
    const { api } = await show({
      platform: { ...base.platform, health: 'faulty', lastError: lapsed },
      lastError: lapsed,
      access: { mode: 'gateway', signInNeeded: true },
    });
    // One thing to act on: the password. The prompt is the only banner.
    expect(banners()).toEqual([expect.stringMatching(/^重新登录/)]);
    expect(getByRole('alertdialog', { name: '重新登录' })).toBeTruthy();
    expect(textIn()).not.toContain(FAULTY);
    // Signed in again, the platform still faulty until the next keepalive: the banner is back.
    api.push({ ...api.snapshot, access: { mode: 'gateway', signInNeeded: false } });
    await flushPromises();
    expect(banners()).toContain(FAULTY);
  });

  it('says the pending change is retried again once the credentials are accepted', async () => {
    const { api } = await show({ pendingState: 'busy/小休' });
    const base = signedInSnapshot();
    const refused = { code: 'auth-failed' as const, message: 'HTTP 401' };
    api.push({
      ...api.snapshot,
      platform: { ...base.platform, health: 'auth-failed', lastError: refused },
    });
    await flushPromises();
    expect(banners()).toEqual([ERROR_TEXT['auth-failed']['zh-CN']]);
    api.push({ ...api.snapshot, platform: { ...base.platform, health: 'unreachable' } });
    await flushPromises();
    expect(banners()).toContainEqual(expect.stringMatching(/忙碌 · 小休.*正在自动重试/));
  });

  it('shows rejected credentials as the sentence with what to check', async () => {
    const base = signedInSnapshot();
    await show({ platform: { ...base.platform, health: 'auth-failed' } });
    expect(textIn()).toContain(ERROR_TEXT['auth-failed']['zh-CN']);
  });
});

describe('time in state', () => {
  it('ticks once a second while visible and pauses while hidden', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      vi.setSystemTime(new Date(2026, 0, 1, 9, 0, 0));
      const since = Date.now() - (3600 + 62) * 1000;
      await show({ state: 'idle', stateSince: since });
      const status = getByRole('heading', { name: '当前状态' }).parentElement!;
      expect(status.querySelector('time')?.textContent).toBe('1:01:02');
      vi.advanceTimersByTime(3000);
      await Promise.resolve();
      expect(status.querySelector('time')?.textContent).toBe('1:01:05');
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      const frozen = status.querySelector('time')?.textContent;
      vi.advanceTimersByTime(5000);
      await Promise.resolve();
      expect(status.querySelector('time')?.textContent).toBe(frozen);
      Object.defineProperty(document, 'hidden', { value: false, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      await Promise.resolve();
      expect(status.querySelector('time')?.textContent).toBe('1:01:10');
    } finally {
      vi.useRealTimers();
    }
  });
});
