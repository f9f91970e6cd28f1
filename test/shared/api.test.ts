/**
 * The named-function API both preloads (Electron's and the browser host's bridge) install: each
 * function sends its own channel with a payload the contract accepts, and each listener
 * subscribes to its own event.
 */
import { describe, expect, it } from 'vitest';
import { buildDesktopApi } from '../../src/shared/ipc/api';
import { COMMANDS, isChannel } from '../../src/shared/ipc/contract';
import { appError } from '../../src/shared/domain/errors';
import type { Invoke, Subscribe } from '../../src/shared/ipc/api';

function recorder() {
  const sent: { channel: string; payload: unknown }[] = [];
  const subscribed: string[] = [];
  const invoke = ((channel: string, payload: unknown) => {
    sent.push({ channel, payload });
    return Promise.resolve({ ok: true, value: channel });
  }) as Invoke;
  const off = () => undefined;
  const subscribe = ((event: string) => {
    subscribed.push(event);
    return off;
  }) as Subscribe;
  return { api: buildDesktopApi(invoke, subscribe), sent, subscribed, off };
}

describe('buildDesktopApi', () => {
  it('sends each command on its channel with a payload the contract accepts', async () => {
    const { api, sent } = recorder();
    const calls: [Promise<unknown>, string, unknown][] = [
      [api.getSnapshot(), 'session:snapshot', {}],
      [
        api.signIn({ name: 'a1', extension: 'e1', state: 'idle' } as never),
        'session:sign-in',
        { name: 'a1', extension: 'e1', state: 'idle' },
      ],
      [api.signOut(true), 'session:sign-out', { force: true }],
      [api.dismissQuestion(), 'session:dismiss-question', {}],
      [api.clearMissed(), 'session:clear-missed', {}],
      [api.refresh(), 'session:refresh', {}],
      [api.setState('busy/小休'), 'agent:set-state', { state: 'busy/小休' }],
      [api.editSkills([{ opt: 0 }]), 'agent:edit-skills', { opts: [{ opt: 0 }] }],
      [api.setExtension('x1'), 'agent:set-extension', { id: 'x1' }],
      [api.listTeam(2, 50), 'team:list', { pageNo: 2, pageSize: 50 }],
      [api.listExtensions(3, 20), 'extensions:list', { pageNo: 3, pageSize: 20 }],
      [api.getSettings(), 'settings:get', {}],
      [api.updateSettings({ keepaliveSeconds: 60 }), 'settings:update', { keepaliveSeconds: 60 }],
      [api.answerCall('c1'), 'call:answer', { callId: 'c1' }],
      [api.rejectCall('c2'), 'call:reject', { callId: 'c2' }],
      [api.hangUp('c3'), 'call:hangup', { callId: 'c3' }],
      [api.setMuted('c4', true), 'call:mute', { callId: 'c4', muted: true }],
      [api.reportMicrophone('ok' as never), 'media:microphone', { health: 'ok' }],
      [api.reportOutput(false), 'media:output', { connected: false }],
    ];
    for (const [result, channel] of calls)
      expect(await result).toEqual({ ok: true, value: channel });
    expect(sent).toEqual(calls.map(([, channel, payload]) => ({ channel, payload })));
    for (const { channel, payload } of sent.filter(
      (s) => s.channel !== 'session:sign-in' && s.channel !== 'media:microphone',
    )) {
      expect(isChannel(channel), channel).toBe(true);
      expect(COMMANDS[channel as keyof typeof COMMANDS].safeParse(payload).success, channel).toBe(
        true,
      );
    }
  });

  it('passes a media reply through as it is', async () => {
    const { api, sent } = recorder();
    const reply = { id: 'm1', ok: true, value: 'sdp' } as never;
    await api.replyMedia(reply);
    expect(sent).toEqual([{ channel: 'media:reply', payload: reply }]);
  });

  it('subscribes each listener to its own event and hands back the unsubscribe', () => {
    const { api, subscribed, off } = recorder();
    expect(api.onSnapshot(() => undefined)).toBe(off);
    expect(api.onSettings(() => undefined)).toBe(off);
    expect(api.onMediaRequest(() => undefined)).toBe(off);
    expect(api.onCallRinging(() => undefined)).toBe(off);
    expect(subscribed).toEqual([
      'session:changed',
      'settings:changed',
      'media:request',
      'call:ringing',
    ]);
  });
});

describe('appError', () => {
  it('uses the English sentence unless a message is given, and keeps a detail only when given', () => {
    const plain = appError('unknown-command');
    expect(plain.code).toBe('unknown-command');
    expect(plain.message).not.toBe('unknown-command');
    expect(plain.message.length).toBeGreaterThan(5);
    expect('detail' in plain).toBe(false);
    expect(appError('unknown-command', 'why', 'said')).toEqual({
      code: 'unknown-command',
      message: 'said',
      detail: 'why',
    });
  });

  it('has no sentence for success: the code stands for itself', () => {
    expect(appError('000000' as never)).toEqual({ code: '000000', message: '000000' });
  });
});

describe('agent:edit-skills', () => {
  it('carries an edit of more than 200 ops (clearing and re-adding a long list)', () => {
    const opts = [
      { opt: 0 },
      ...Array.from({ length: 300 }, (_, i) => ({ opt: 1, name: `skill_${i}`, score: 1 })),
    ];
    expect(COMMANDS['agent:edit-skills'].safeParse({ opts }).success).toBe(true);
  });
});

describe('media:output', () => {
  it('takes a boolean and nothing else: the window has an audio output or has none', () => {
    const schema = COMMANDS['media:output'];
    expect(schema.safeParse({ connected: true }).success).toBe(true);
    expect(schema.safeParse({ connected: false }).success).toBe(true);
    for (const bad of [{}, { connected: 'true' }, { connected: 1 }, { connected: null }])
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(schema.safeParse({ connected: true, deviceId: 'x' }).success).toBe(false);
  });
});
