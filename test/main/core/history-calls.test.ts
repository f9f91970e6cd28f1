/**
 * Call history through the core against the demo platform: answered, rejected, timed-out and
 * caller-gave-up calls are kept with the right outcome and durations, and are still there (with
 * the missed-offer list and today's figures) after the core restarts on the same user-data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { AGENT, startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';
import type { HistoryPage, TodayFigures } from '../../../src/shared/history';

let dir: string;
let app: CallCore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'history-calls-'));
  // Off here: this suite is about the record of each call, not the guard after two misses.
  app = await startCallCore({
    historyFile: join(dir, 'history.jsonl'),
    settings: { noAnswerLimit: 0 },
  });
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A core started again on the same user-data folder (its history journal), the same agent signed
 * in again: the missed list and History are each agent's own, shown once they are signed in.
 */
async function restartCore() {
  const core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    historyFile: join(dir, 'history.jsonl'),
    startEmbedded: startDemoPlatform,
    logger: silentLogger,
    sipLine: null,
  });
  const signed = await core.dispatch('session:sign-in', {
    name: AGENT,
    extension: DEMO_EXTENSIONS[0]!.id,
    initialState: 'idle',
    skills: [{ name: 'sales', score: 5, enabled: true }],
  });
  expect(signed.ok).toBe(true);
  // The list is set again just after the sign-in's push.
  await new Promise((r) => setTimeout(r, 0));
  return core;
}

async function page(core = app.core): Promise<HistoryPage> {
  const result = await core.dispatch('history:page', { pageNo: 1, pageSize: 50 });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as HistoryPage;
}

describe('call history', () => {
  it('keeps answered, rejected, timed-out and caller-gave-up calls across a core restart', async () => {
    const { until, core } = app;
    // Answered, talked about a second, the customer hangs up.
    const answered = await app.ring({
      customer: { kind: 'hang-up-after', talkSec: 1 },
      caller: '13800000001',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await core.dispatch('call:answer', { callId: answered.callId })).ok).toBe(true);
    await until('answered call over', (s) => s.call === null);
    await until('idle again', (s) => s.state === 'idle');
    // Rejected by the agent.
    const rejected = await app.ring({ caller: '13800000002' });
    expect((await core.dispatch('call:reject', { callId: rejected.callId })).ok).toBe(true);
    await until('idle after reject', (s) => s.call === null && s.state === 'idle');
    // Rang out.
    await app.ring({ ringTimeoutSec: 0.4, caller: '13800000003' });
    await until('timed out', (s) => s.call === null && s.missed.length === 2);
    await until('idle after timeout', (s) => s.state === 'idle');
    // The caller gave up.
    await app.ring({ customer: { kind: 'give-up-ringing', afterSec: 0.3 }, caller: '13800000004' });
    await until('gave up', (s) => s.missed.length === 3 && s.missed[0]?.stateAfter === 'idle');

    const rows = (await page()).rows;
    expect(rows.map((r) => [r.number, r.outcome, r.why])).toEqual([
      ['13800000004', 'missed', 'caller-gave-up'],
      ['13800000003', 'missed', 'timeout'],
      ['13800000002', 'rejected', 'rejected'],
      ['13800000001', 'answered', null],
    ]);
    const [gaveUp, timedOut, , talked] = rows;
    expect(talked!.ringMs).toBeGreaterThanOrEqual(150);
    expect(talked!.talkMs).toBeGreaterThanOrEqual(900);
    expect(talked!.talkMs).toBeLessThan(3_000);
    expect(timedOut!.ringMs).toBeGreaterThanOrEqual(300);
    expect(timedOut!.talkMs).toBe(0);
    expect(gaveUp!.ringMs).toBeGreaterThanOrEqual(200);
    expect(rows.every((r) => r.direction === 'in' && r.agent === 'day_agent')).toBe(true);
    expect(rows.every((r) => r.reserveState === 'idle')).toBe(true);

    await app.close();
    const again = await restartCore();
    try {
      expect((await page(again)).rows).toEqual(rows);
      // The missed-offer list is a view of the history: back after the restart.
      expect(again.snapshot().missed.map((m) => [m.caller, m.reason, m.stateAfter])).toEqual([
        ['13800000004', 'caller-gave-up', 'idle'],
        ['13800000003', 'timeout', 'idle'],
        ['13800000002', 'rejected', 'idle'],
      ]);
      const today = await again.dispatch('history:today', {});
      const figures = (today as { ok: true; value: TodayFigures }).value;
      expect(figures).toMatchObject({ answered: 1, missed: 3 });
      expect(figures.talkMs).toBe(talked!.talkMs);
      expect(figures.stateMs.idle).toBeGreaterThan(0);
      expect(figures.stateMs.talking).toBeGreaterThan(800);
    } finally {
      await again.shutdown(3_000);
      // app.close() in afterEach runs again: harmless on a core already shut down.
    }
  });

  it('a missed call reaches the History page as one refresh, with the state it left the agent in', async () => {
    const { until, core } = app;
    const shown: Promise<HistoryPage>[] = [];
    const off = core.on('history:changed', () => shown.push(page()));
    try {
      await app.ring({
        customer: { kind: 'give-up-ringing', afterSec: 0.3 },
        caller: '13800000005',
      });
      await until('gave up', (s) => s.missed[0]?.stateAfter === 'idle');
      await new Promise((r) => setTimeout(r, 300));
      // Not "the call" and then "the state after it" a few milliseconds apart: one refresh, whole.
      expect(shown).toHaveLength(1);
      const rows = (await shown[0]!).rows;
      expect(rows.map((r) => [r.number, r.outcome, r.reserveState])).toEqual([
        ['13800000005', 'missed', 'idle'],
      ]);
    } finally {
      off();
    }
  });

  it('refuses a page asked with its dates the wrong way round (not an empty page)', async () => {
    const from = Date.UTC(2026, 10, 20);
    const refused = await app.core.dispatch('history:page', {
      pageNo: 1,
      pageSize: 10,
      from,
      to: from - 86_400_000,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(refused.ok || refused.error.detail).toContain('from must not be after to');
  });

  it('a cleared missed-calls list stays clear after a restart; a call missed later is listed', async () => {
    const { core, until } = app;
    const first = await app.ring({ caller: '13800000002' });
    expect((await core.dispatch('call:reject', { callId: first.callId })).ok).toBe(true);
    await until('missed', (s) => s.call === null && s.missed.length === 1);
    expect((await core.dispatch('session:clear-missed', {})).ok).toBe(true);
    const later = await app.ring({ caller: '13800000005' });
    expect((await core.dispatch('call:reject', { callId: later.callId })).ok).toBe(true);
    await until('missed again', (s) => s.call === null && s.missed.length === 1);
    await app.close();
    const again = await restartCore();
    try {
      expect(again.snapshot().missed.map((m) => m.caller)).toEqual(['13800000005']);
      // History keeps every call.
      expect((await page(again)).rows.map((r) => r.number)).toEqual(['13800000005', '13800000002']);
      expect((await again.dispatch('session:clear-missed', {})).ok).toBe(true);
    } finally {
      await again.shutdown(3_000);
    }
    // And a third start (the mark is kept in the journal).
    const third = await restartCore();
    try {
      expect(third.snapshot().missed).toEqual([]);
    } finally {
      await third.shutdown(3_000);
    }
  });
});
