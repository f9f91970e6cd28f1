/**
 * The session's snapshot store: one immutable snapshot, changed by patches, pushed to listeners.
 * It batches: the patches a command makes while it runs are pushed once, when it ends, so one
 * command sends one push. A snapshot equal to the one last pushed is never pushed again.
 */
import { Listeners } from '../../lib/listeners';
import type { Logger } from '../../lib/ports';

type Listener<S> = (snapshot: S) => void;

export class SnapshotStore<S extends object> {
  private current: S;
  private pushed: S;
  /** One that throws is logged, and the others still hear of the change. */
  private readonly listeners: Listeners<[S]>;
  /** Batches running now (commands and keepalive rounds may overlap). */
  private open = 0;
  /** Holds running now: {@link publish} waits for the next push instead of pushing at once. */
  private holding = 0;

  /**
   * `quiet(next, pushed)`: true when the only changes are in fields no listener shows (a
   * timestamp kept for diagnostics): they are kept and go out with the next push, not alone.
   */
  constructor(
    initial: S,
    logger: Logger,
    private readonly quiet: (next: S, pushed: S) => boolean = () => false,
  ) {
    this.current = initial;
    this.pushed = initial;
    this.listeners = new Listeners('snapshot', (msg) => logger.error(msg));
  }

  /** The newest snapshot (already includes changes not pushed yet). */
  get(): S {
    return this.current;
  }

  onChange(listener: Listener<S>): () => void {
    return this.listeners.add(listener);
  }

  /** Applies a patch; pushed at once outside a batch, at the end of the batch inside one. */
  update(patch: Partial<S>): void {
    this.current = { ...this.current, ...patch };
    if (this.open === 0) this.flush();
  }

  /**
   * Applies a patch and pushes at once even while a batch runs: for news from outside the
   * running commands (a call ringing, the SIP line) that must not wait for a slow request.
   */
  publish(patch: Partial<S>): void {
    this.current = { ...this.current, ...patch };
    if (this.holding === 0) this.flush();
  }

  /**
   * Runs `run` with news held back: what {@link publish} brings goes out with the next push (a
   * batch that ends meanwhile) or when `run` ends, so news and the read-back that follows it
   * make one push, not two. The caller bounds `run` (news must not wait for a slow request).
   */
  hold<T>(run: () => Promise<T>): Promise<T> {
    return this.counted('holding', run);
  }

  /**
   * Runs one command as a batch: its patches are pushed together when it ends. When batches
   * overlap, each end pushes what has changed so far, so a quick command is never held back
   * by a slow one.
   */
  batch<T>(run: () => Promise<T>): Promise<T> {
    return this.counted('open', run);
  }

  /** Runs `run` with `counter` raised, then pushes what changed meanwhile (batch and hold). */
  private async counted<T>(counter: 'open' | 'holding', run: () => Promise<T>): Promise<T> {
    this[counter]++;
    try {
      return await run();
    } finally {
      this[counter]--;
      this.flush();
    }
  }

  /** Pushes the snapshot if it differs from the one last pushed. */
  flush(): void {
    if (this.current === this.pushed) return;
    if (sameValue(this.current, this.pushed)) {
      // Nothing a listener could see changed: keep the pushed object, so identity means "same".
      this.current = this.pushed;
      return;
    }
    if (this.quiet(this.current, this.pushed)) return;
    this.pushed = this.current;
    this.listeners.emit(this.current);
  }
}

/** Structural equality of plain JSON-like data (snapshots hold no functions, dates or maps). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((key) => Object.hasOwn(rb, key) && sameValue(ra[key], rb[key]));
}
