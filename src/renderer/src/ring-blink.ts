/**
 * The ringing icon's blink: one timer flips `data-ring-blink` on the root element twice a
 * second, and RingingPanel's style dims the icon while it is set. A CSS animation, even in two
 * steps, has the compositor make a frame every vsync for as long as it runs (about 60 a second
 * while a call rings, and on with the window minimised in Electron, where background throttling
 * is off); the timer costs two small repaints a second.
 */
const ATTRIBUTE = 'data-ring-blink';
const HALF_PERIOD_MS = 500;

let timer: ReturnType<typeof setInterval> | null = null;

/** Starts blinking (the icon shows lit first). Safe to call while blinking. */
export function startRingBlink(): void {
  if (timer) return;
  timer = setInterval(() => document.documentElement.toggleAttribute(ATTRIBUTE), HALF_PERIOD_MS);
}

/** Stops blinking and leaves the icon lit. */
export function stopRingBlink(): void {
  if (timer) clearInterval(timer);
  timer = null;
  document.documentElement.removeAttribute(ATTRIBUTE);
}
