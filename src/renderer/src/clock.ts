/**
 * One clock for every running time on screen (time in state, ringing for, talking for). While a
 * call is shown there are two — the status card's and the panel's — and each with its own timer
 * would make a frame of its own every second; on this one clock they move in the same frame. It
 * ticks once a second while at least one shown time uses it, and not at all otherwise.
 */
import { readonly, ref } from 'vue';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/** The time the clock last read (epoch ms): what the times on screen count from. */
export const clockNow = readonly(now);

/** Reads the time now (a time just shown, or shown again, starts from the real time). */
export function readClock(): void {
  now.value = Date.now();
}

/** Starts using the clock (it reads the time at once); returns the way to stop using it. */
export function joinClock(): () => void {
  users++;
  readClock();
  timer ??= setInterval(readClock, 1000);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    users--;
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}
