/** Bounded waits on observable conditions: tests never sleep on wall-clock luck. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 5_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until `read` gives the same value twice, `stepMs` apart (what was in flight has landed),
 * and returns it; times out like {@link waitFor} if it never settles.
 */
export async function waitForSteady<T>(
  read: () => T | Promise<T>,
  what: string,
  stepMs = 300,
  timeoutMs = 5_000,
): Promise<T> {
  let last = JSON.stringify(await read());
  return waitFor(
    async () => {
      await new Promise((r) => setTimeout(r, stepMs));
      const value = await read();
      const seen = JSON.stringify(value);
      const steady = seen === last;
      last = seen;
      return steady ? { value } : null;
    },
    what,
    timeoutMs,
    0,
  ).then(({ value }) => value);
}
