/**
 * A PC shared between shifts: the next agent signed in on the same desk must not see the callers
 * the previous agent missed, nor count the previous agent's calls in their Today figures or find
 * them in History. The previous agent, back, sees their own again.
 */
import { afterEach, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { AGENT, startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';
import type { HistoryPage, TodayFigures } from '../../../src/shared/history';

let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const signIn = (name: string) =>
  app!.core.dispatch('session:sign-in', {
    name,
    extension: DEMO_EXTENSIONS[0]!.id,
    initialState: 'idle',
    skills: [{ name: 'sales', score: 5, enabled: true }],
  });

async function today(): Promise<TodayFigures> {
  const result = await app!.core.dispatch('history:today', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value as TodayFigures;
}

async function page(): Promise<HistoryPage> {
  const result = await app!.core.dispatch('history:page', { pageNo: 1, pageSize: 50 });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as HistoryPage;
}

it('the next agent on the desk sees none of the previous agent’s callers or figures', async () => {
  app = await startCallCore();
  await app.ring({ ringTimeoutSec: 0.3, caller: '13955556666' });
  await app.until('missed', (s) => s.missed.length === 1);
  await app.until('state after', (s) => s.missed[0]?.stateAfter === 'idle');
  expect((await app.core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
  await app.until('list emptied at sign-out', (s) => s.missed.length === 0);

  expect((await signIn('next_shift')).ok).toBe(true);
  await new Promise((r) => setTimeout(r, 100));
  expect(app.snap().missed).toEqual([]);
  expect((await today()).missed).toBe(0);
  expect((await page()).rows.map((row) => row.number)).toEqual([]);

  // The first agent back on the desk: their own missed caller is listed again.
  expect((await app.core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
  expect((await signIn(AGENT)).ok).toBe(true);
  await app.until('own missed caller back', (s) => s.missed[0]?.caller === '13955556666');
  expect((await today()).missed).toBe(1);
  expect((await page()).rows.map((row) => row.number)).toEqual(['13955556666']);
}, 30_000);
