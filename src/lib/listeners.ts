/** A set of listeners where one that throws is logged and never stops the others. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => unknown>();

  constructor(
    private readonly what: string,
    private readonly log: (msg: string) => void,
  ) {}

  /** Adds a listener; returns the function that removes it. */
  add(listener: (...args: A) => unknown): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  get size(): number {
    return this.set.size;
  }

  /** Calls every listener; returns whatever they returned (promises included), in order. */
  emit(...args: A): unknown[] {
    const results: unknown[] = [];
    for (const listener of [...this.set]) {
      try {
        results.push(listener(...args));
      } catch (error) {
        this.log(`${this.what} listener failed: ${describe(error)}`);
      }
    }
    return results;
  }
}

/** One line for an unknown thrown value. */
export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Waits for whichever of `results` are promises, at most `ms`; a rejection is logged, never
 * thrown. Resolves false when the time ran out first.
 */
export async function settleWithin(
  results: unknown[],
  ms: number,
  log: (msg: string) => void,
): Promise<boolean> {
  const pending = results.filter(isThenable).map((p) =>
    Promise.resolve(p).then(
      () => undefined,
      (error: unknown) => log(`listener failed: ${describe(error)}`),
    ),
  );
  if (pending.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.all(pending).then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
