/**
 * The audit log writer: every request becomes a row, written in small batches (every
 * `flushMs` or `maxBatch` rows) so a burst of keepalives costs one transaction, not thousands.
 * A failed write is logged and counted, never thrown at a request.
 */
import type { Logger } from '../lib/ports';
import type { AuditRecord, GatewayStore } from './store/port';

export class AuditLog {
  private pending: AuditRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: GatewayStore,
    private readonly logger: Logger,
    private readonly onDropped: (n: number) => void,
    private readonly flushMs = 100,
    private readonly maxBatch = 500,
  ) {}

  add(record: AuditRecord): void {
    this.pending.push(record);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is pending; resolves when every earlier write has finished. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.appendAudit(batch);
      } catch (error) {
        this.onDropped(batch.length);
        this.logger.error('audit rows not written', {
          rows: batch.length,
          error: errorText(error),
        });
      }
    });
    return this.flushing;
  }
}

/** An error's message only (driver errors can carry connection strings in other fields). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
