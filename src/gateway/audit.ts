/**
 * The audit log writer: every request becomes a row, written in small batches (every
 * `flushMs` or `maxBatch` rows) so a burst of keepalives costs one transaction, not thousands.
 * A failed write is never thrown at a request: the rows are kept and retried every `retryMs`
 * until the database takes them (a restart or failover loses no audit), up to
 * {@link AUDIT_BACKLOG_LIMIT} rows; past that the oldest are dropped and counted. The failure
 * and the recovery are logged once each, not once per batch.
 */
import type { Logger } from '../lib/ports';
import type { AuditRecord, GatewayStore } from './store/port';

/** Rows kept for a retry while the database is away (about an hour of a busy floor's keepalives). */
export const AUDIT_BACKLOG_LIMIT = 50_000;
/** Rows per write when catching up. */
const CHUNK = 5_000;

export interface AuditTiming {
  flushMs?: number;
  maxBatch?: number;
  retryMs?: number;
}

export class AuditLog {
  private pending: AuditRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failing = false;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly retryMs: number;

  constructor(
    private readonly store: GatewayStore,
    private readonly logger: Logger,
    private readonly onDropped: (n: number) => void,
    timing: AuditTiming = {},
  ) {
    this.flushMs = timing.flushMs ?? 100;
    this.maxBatch = timing.maxBatch ?? 500;
    this.retryMs = timing.retryMs ?? 1_000;
  }

  add(record: AuditRecord): void {
    this.pending.push(record);
    if (this.pending.length > AUDIT_BACKLOG_LIMIT)
      this.drop(this.pending.length - AUDIT_BACKLOG_LIMIT);
    // While the database is away, only the retry timer writes.
    if (this.pending.length >= this.maxBatch && !this.failing) void this.flush();
    else this.schedule(this.failing ? this.retryMs : this.flushMs);
  }

  /** Writes what is pending; resolves when every earlier write has finished. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** A last write; what the database still refuses is dropped and counted. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length > 0) this.drop(this.pending.length);
  }

  private async write(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, CHUNK);
      try {
        await this.store.appendAudit(batch);
      } catch (error) {
        this.pending.unshift(...batch);
        if (!this.failing) {
          this.failing = true;
          this.logger.error('audit rows not written; kept to retry', {
            rows: this.pending.length,
            error: errorText(error),
          });
        }
        this.schedule(this.retryMs);
        return;
      }
      if (this.failing) {
        this.failing = false;
        this.logger.info('audit writes resumed', { rows: batch.length + this.pending.length });
      }
    }
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), ms);
    this.timer.unref();
  }

  private drop(n: number): void {
    this.pending.splice(0, n);
    this.onDropped(n);
  }
}

/** How long audit rows are kept unless the gateway is told otherwise (`--audit-days`). */
export const DEFAULT_AUDIT_DAYS = 180;

/** Rows per purge statement: a few milliseconds of work each, even on SQLite. */
const PURGE_BATCH = 1_000;

/**
 * Deletes the audit rows written before `before`, in batches, yielding between them, so a large
 * backlog never holds the store (SQLite runs on the gateway's thread) from agents' requests.
 * Returns how many rows went.
 */
export async function purgeAudit(
  store: GatewayStore,
  before: number,
  batch = PURGE_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await store.purgeAudit(before, batch);
    total += n;
    if (n < batch) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** An error's message only (driver errors can carry connection strings in other fields). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
