import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useSessionStore } from '../../src/renderer/src/stores/session';
import { useSettingsStore } from '../../src/renderer/src/stores/settings';
import { FakeApi, ok, settingsView, signedInSnapshot } from './fake-api';
import { installApi } from './setup';

describe('stores mirror main', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
    installApi(api);
    setActivePinia(createPinia());
  });

  it('session: subscribes before it asks for the snapshot, then applies it', async () => {
    const session = useSessionStore();
    await session.start();
    expect(api.calls.slice(0, 2).map((c) => c.method)).toEqual(['onSnapshot', 'getSnapshot']);
    expect(session.snapshot).toEqual(api.snapshot);
    expect(session.phase).toBe('signed-out');
  });

  it('session: a push that arrives while the snapshot is in flight is not lost', async () => {
    let answer: (value: ReturnType<typeof ok>) => void = () => undefined;
    api.handlers.getSnapshot = () =>
      new Promise((resolve) => {
        answer = resolve as typeof answer;
      });
    const session = useSessionStore();
    const started = session.start();
    api.push(signedInSnapshot({ state: 'busy/会议' }));
    expect(session.state).toBe('busy/会议');
    // Main answered the request before that change; the reply carries the same or newer state.
    answer(ok(api.snapshot));
    await started;
    expect(session.state).toBe('busy/会议');
  });

  it('session: applies every push and derives with the shared model', async () => {
    const session = useSessionStore();
    await session.start();
    api.push(signedInSnapshot({ state: 'talking' }));
    expect(session.signedIn).toBe(true);
    expect(session.inCall).toBe(true);
    api.push(signedInSnapshot({ state: 'away/午餐' }));
    expect(session.inCall).toBe(false);
    expect(session.ready?.links.sip).toBe('ok');
    expect(session.ready?.links.microphone).toBe('unknown');
    expect(session.ready?.ready).toBe(false);
  });

  it('session: re-snapshots when asked', async () => {
    const session = useSessionStore();
    await session.start();
    api.snapshot = signedInSnapshot({ state: 'busy' });
    await session.resync();
    expect(session.state).toBe('busy');
    expect(api.callsOf('getSnapshot')).toHaveLength(2);
  });

  it('session: a failed or throwing command is a result, never an exception', async () => {
    const session = useSessionStore();
    await session.start();
    api.handlers.setState = () =>
      Promise.resolve({ ok: false, error: { code: '040203', message: '座席正忙' } });
    const refused = await session.setState('idle');
    expect(refused).toEqual({ ok: false, error: { code: '040203', message: '座席正忙' } });
    api.handlers.setState = () => Promise.reject(new Error('pipe broke'));
    const thrown = await session.setState('idle');
    expect(thrown.ok).toBe(false);
    expect(!thrown.ok && thrown.error.code).toBe('internal');
  });

  it('session: without a bridge it says so instead of failing', async () => {
    installApi(undefined);
    const session = useSessionStore();
    await session.start();
    expect(session.bridgeMissing).toBe(true);
    const result = await session.setState('idle');
    expect(!result.ok && result.error.code).toBe('transport');
  });

  it('settings: subscribes, then gets, then follows pushes', async () => {
    const settings = useSettingsStore();
    await settings.start();
    expect(api.calls.map((c) => c.method)).toEqual(['onSettings', 'getSettings']);
    expect(settings.view?.settings.keepaliveSeconds).toBe(30);
    api.pushSettings(settingsView({ secureStorage: false }));
    expect(settings.view?.secureStorage).toBe(false);
    const result = await settings.update({ keepaliveSeconds: 15 });
    expect(result.ok).toBe(true);
    expect(settings.view?.settings.keepaliveSeconds).toBe(15);
  });

  it('command results are applied too', async () => {
    const session = useSessionStore();
    await session.start();
    await flushPromises();
    await session.signIn({ name: 'agent_01', extension: 'ext1' });
    expect(session.phase).toBe('signed-in');
  });
});
