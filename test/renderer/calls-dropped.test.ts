/**
 * An answered call that drops (main's snapshot notes `droppedCall`): the call strip says so in
 * the window's language, where the talking panel was, until the next call rings. A call that
 * someone hung up says nothing.
 */
import { describe, expect, it } from 'vitest';
import { signedInSnapshot } from './fake-api';
import { CallsApi, mountCalls, ringingSnapshot, settle, talkingSnapshot } from './calls-support';
import { getByRole, queryByRole } from './queries';

async function talking(language: 'zh-CN' | 'en' = 'zh-CN') {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  await mountCalls(api, { language });
  api.push(talkingSnapshot({ id: 'c1' }));
  await settle();
  return api;
}

describe('a dropped call', () => {
  it('is announced where the panel was, until the next call rings', async () => {
    const api = await talking();
    api.push(signedInSnapshot({ droppedCall: { id: 'c1', at: Date.now() } }));
    await settle();
    expect(queryByRole('button', { name: '挂断' })).toBeNull();
    expect(getByRole('alert').textContent).toBe('通话意外中断。');

    api.push(ringingSnapshot({ id: 'c2' }));
    await settle();
    expect(queryByRole('alert')).toBeNull();
  });

  it('is announced in English in an English window', async () => {
    const api = await talking('en');
    api.push(signedInSnapshot({ droppedCall: { id: 'c1', at: Date.now() } }));
    await settle();
    expect(getByRole('alert').textContent).toBe('The call dropped.');
  });

  it('a call that was hung up ends without a notice', async () => {
    const api = await talking();
    api.push(signedInSnapshot());
    await settle();
    expect(queryByRole('button', { name: '挂断' })).toBeNull();
    expect(queryByRole('alert')).toBeNull();
  });
});
