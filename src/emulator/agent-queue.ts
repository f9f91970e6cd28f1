/**
 * Per-agent serialization of API requests. Each request on an agent runs only after the earlier
 * ones on the same agent have finished, so a slow operation (a forced logout waiting for the
 * call to be hung up) never interleaves with another request on that agent.
 *
 * Design choice (docs/platform-api/agent-api.md §2, 000004): requests queue rather than fail. Only a request that
 * has waited longer than `waitLimitMs` for its turn is answered 000004 ("系统繁忙"), like the
 * platform's agent lock that could not be taken; it then never runs. Tasks that finish without
 * awaiting (almost all: the store is synchronous) take the fast path and never touch the queue.
 */
export class AgentQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly waitLimitMs: () => number) {}

  /** Runs `task` in turn on `key`; `busy()` answers instead if the turn took too long. */
  async run<T>(key: string, task: () => T | Promise<T>, busy: () => T): Promise<T> {
    const previous = this.tails.get(key);
    if (previous === undefined) {
      const value = task();
      if (!isThenable(value)) return value; // finished synchronously: nothing could interleave
      return this.hold(key, Promise.resolve(value));
    }
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    const done = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    if (!(await settlesWithin(previous, this.waitLimitMs()))) {
      void previous.then(done); // keep our place so later requests stay in order
      return busy();
    }
    try {
      return await task();
    } finally {
      done();
    }
  }

  /** How many agents have a request in progress (tests). */
  get activeKeys(): number {
    return this.tails.size;
  }

  private async hold<T>(key: string, running: Promise<T>): Promise<T> {
    const tail = running.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await running;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
