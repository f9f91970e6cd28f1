/**
 * The audit table does not grow for good: every request is a row (a floor's keepalives come to
 * about a million a day), so a running gateway deletes rows older than its retention
 * (`--audit-days`, 180 by default) every hour, and keeps everything when told 0. (What the purge
 * may delete, on both stores: store.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_PURGE_EVERY_MS } from '../../src/gateway/index';
import type { AuditRecord } from '../../src/gateway/store/port';
import { waitFor } from '../support/wait';
import { startRig } from './helpers';

const DAY = 24 * 3600_000;
const row = (at: number, action: string): AuditRecord => ({
  at,
  agent: 'alice',
  action,
  target: 'alice',
  status: 200,
  code: '000000',
  sourceAddress: '10.1.0.7',
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a running gateway keeps the audit for its retention period', () => {
  it('drops rows older than the retention, keeps the rest', async () => {
    // Only the purge schedule runs on the fake clock; the store and waits stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = 2e12;
    const rig = await startRig({ now: () => clock, auditDays: 30 });
    try {
      await rig.store.appendAudit([
        row(clock - 31 * DAY, 'sign-in'),
        row(clock - 30 * DAY - 1, 'keepalive'),
        row(clock - 29 * DAY, 'state'),
        row(clock - 1_000, 'logout'),
      ]);
      vi.advanceTimersByTime(AUDIT_PURGE_EVERY_MS);
      await waitFor(
        async () => (await rig.store.listAudit({ agent: 'alice', limit: 10 })).length === 2,
        'the rows past 30 days to be purged',
      );
      const kept = await rig.store.listAudit({ agent: 'alice', limit: 10 });
      expect(kept.map((r) => r.action)).toEqual(['logout', 'state']);
      expect(rig.logs.some((line) => line.includes('audit rows past retention purged'))).toBe(true);
    } finally {
      await rig.close();
    }
  });

  it('--audit-days 0 keeps every row', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = 2e12;
    const rig = await startRig({ now: () => clock, auditDays: 0 });
    try {
      await rig.store.appendAudit([row(clock - 3_000 * DAY, 'sign-in'), row(clock, 'logout')]);
      vi.advanceTimersByTime(AUDIT_PURGE_EVERY_MS * 3);
      // Nothing runs to wait for: give a purge, had one started, the time to finish.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await rig.store.listAudit({ agent: 'alice', limit: 10 })).toHaveLength(2);
    } finally {
      await rig.close();
    }
  });
});
