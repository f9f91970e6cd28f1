/**
 * The platform's per-agent lock around API requests (docs/platform-api/agent-api.md §2).
 *
 * The real platform takes the agent's lock without waiting (`DistributeLock.lock()`,
 * "非阻塞式获取锁"): a request that finds another request on the same agent holding it is refused
 * at once. That is the default here (`waitLimitMs` 0). With a positive limit, requests queue
 * instead, and only one that waited longer than the limit for its turn is refused; it then never
 * runs. Tests and demos that want a patient platform set that limit.
 *
 * The lock is held while a request runs. The emulator's store is synchronous, so it is held only
 * across its slow steps (a forced logout waiting for the call to be hung up), or while a request
 * made slow on purpose (`slowNext`, like a platform under load) waits to answer.
 */
export class AgentLock {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly slow = new Map<string, number>();

  constructor(private readonly waitLimitMs: () => number) {}

  /**
   * The agent's next request holds its lock `ms` longer before it is answered (after it has been
   * applied, as a reply on its way).
   */
  slowNext(key: string, ms: number): void {
    this.slow.set(key, ms);
  }

  /** Forgets requests made slow that have not come yet (the emulator's reset). */
  forgetSlow(): void {
    this.slow.clear();
  }

  /** Runs `task` with `key`'s lock; `busy()` answers instead when the lock cannot be had. */
  async run<T>(key: string, task: () => T | Promise<T>, busy: () => T): Promise<T> {
    const previous = this.tails.get(key);
    const limit = this.waitLimitMs();
    // The platform's lock: refused at once, never run (a slow request asked for is still to come).
    if (previous !== undefined && limit <= 0) return busy();
    const delay = this.slow.get(key);
    this.slow.delete(key);
    const body = delay === undefined ? task : () => slowly(task, delay);
    if (previous === undefined) {
      const value = body();
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
    if (!(await settlesWithin(previous, limit))) {
      void previous.then(done); // keep our place so later requests stay in order
      return busy();
    }
    try {
      return await body();
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

async function slowly<T>(task: () => T | Promise<T>, ms: number): Promise<T> {
  const value = await task();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
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
