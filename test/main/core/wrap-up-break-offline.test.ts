/**
 * A break the agent chooses during wrap-up while the platform cannot be reached is kept (sent
 * when it is back). Before, wrap-up's end then put the agent back to idle: routable while at
 * lunch, and the kept choice was gone.
 */
import { afterEach, expect, it } from 'vitest';
import { fetchTransport } from '../../../src/lib/platform/transport';
import { startCallCore } from './support/call-core';
import { waitFor } from '../../support/wait';
import type { PlatformTransport } from '../../../src/lib/platform/transport';
import type { CallCore } from './support/call-core';

let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

it('a break chosen during wrap-up while the platform is unreachable survives wrap-up’s end', async () => {
  const inner = fetchTransport();
  const net = { down: false };
  const transport: PlatformTransport = async (url, request) => {
    if (net.down && !url.pathname.startsWith('/emulator')) throw new TypeError('fetch failed');
    return inner(url, request);
  };
  app = await startCallCore({ transport, keepaliveMs: 1_000, settings: { wrapUpSeconds: 2 } });
  const { callId } = await app.ring();
  expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
  expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
  await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up on the platform');
  await app.until('held', (s) => s.hold?.reason === 'wrap-up');
  net.down = true;
  await app.core.dispatch('agent:set-state', { state: 'busy/午餐' });
  expect(app.snap().pendingState).toBe('busy/午餐');
  // The agent's choice ends wrap-up, as any choice of theirs does.
  await waitFor(() => app!.core.day.status().wrapUp === null, 'wrap-up over', 6_000);
  await new Promise((r) => setTimeout(r, 2_500));
  expect(app.snap().pendingState).toBe('busy/午餐');
  net.down = false;
  await waitFor(() => app!.platformState() === 'busy/午餐', 'the break on the platform', 8_000);
  // And it stays: nothing puts the agent back to idle afterwards.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(app.platformState()).toBe('busy/午餐');
  expect(app.snap().chosenState).toBe('busy/午餐');
}, 40_000);
