/**
 * The play/pause media key (answer-or-hang-up) pressed a second time while the answer is still
 * being made (the window's media takes a moment): it must not hang up on the customer being
 * connected. The dedicated hang-up key still ends the call then.
 */
import { afterEach, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { commandFor } from '../../../src/main/shell/hotkeys';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MediaEndpoint } from '../../../src/emulator/calls/media-endpoint';
import { startDemoCore } from '../core/support/call-core';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';
import type { RunningEmulator } from '../../../src/emulator/index';

let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
const peers: MediaEndpoint[] = [];

afterEach(async () => {
  await core.shutdown(3_000);
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

it('a second press of the media key while answering leaves the customer connected', async () => {
  ({ core, demo } = await startDemoCore());
  // The window's media takes a second to answer (a slow microphone, a cold start).
  core.on('media:request', (request) => {
    if (request.kind !== 'answer-offer') return;
    const peer = new MediaEndpoint();
    peers.push(peer);
    setTimeout(
      () =>
        void peer
          .answer(request.sdp ?? '')
          .then((sdp) => core.dispatch('media:reply', { requestId: request.requestId, sdp })),
      1_000,
    );
  });
  const signed = await core.dispatch('session:sign-in', {
    name: 'key_agent',
    extension: DEMO_EXTENSIONS[3]!.id,
    initialState: 'idle',
    skills: [{ name: 'sales', score: 5, enabled: true }],
  });
  expect(signed.ok).toBe(true);
  await waitFor(
    () => demo.emulator.store.agentStatus('key_agent')?.extensionRegistered,
    'routable',
  );
  const id = demo.emulator.calls.queueCall({ skill: 'sales', caller: '13900000001' });
  await waitFor(() => core.snapshot().call?.phase === 'ringing', 'ringing');
  const press = async () => {
    const command = commandFor('answer-or-hang-up', core.snapshot());
    if (command) await core.dispatch(command.channel as 'call:answer', command.payload as never);
  };
  const first = press();
  await waitFor(() => core.snapshot().call?.phase === 'answering', 'answering');
  await press();
  await first;
  await waitFor(() => core.snapshot().call?.phase === 'talking', 'talking', 5_000);
  expect(demo.emulator.calls.call(id)?.state).not.toBe('ended');
  // Connected: the same key ends the call now.
  expect(commandFor('answer-or-hang-up', core.snapshot())?.channel).toBe('call:hangup');
}, 30_000);

it('the hang-up key still ends a call whose answer is being made', () => {
  const snapshot = (phase: 'ringing' | 'answering' | 'talking') =>
    ({
      call: { id: 'c1', caller: '8001', phase, ringingSince: 0, talkingSince: null, muted: false },
    }) as unknown as ReturnType<Core['snapshot']>;
  expect(commandFor('hang-up', snapshot('answering'))).toEqual({
    channel: 'call:hangup',
    payload: { callId: 'c1' },
  });
  expect(commandFor('answer-or-hang-up', snapshot('ringing'))?.channel).toBe('call:answer');
});
