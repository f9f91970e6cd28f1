/**
 * Work that must not delay the first paint of what just changed (the ringing panel): it runs
 * once that frame is on screen. A hidden page paints nothing and gets no frames, so there it
 * runs on the next task instead — ringing must work with the window hidden.
 */
export function afterPaint(run: () => void): void {
  if (document.hidden || typeof requestAnimationFrame !== 'function') {
    setTimeout(run);
    return;
  }
  requestAnimationFrame(() => setTimeout(run));
}

/**
 * Work that belongs in the next frame (a focus move): done right before it is painted, in the
 * frame's own style and layout pass instead of forcing one of its own now.
 */
export function beforeNextPaint(run: () => void): void {
  if (document.hidden || typeof requestAnimationFrame !== 'function') {
    setTimeout(run);
    return;
  }
  requestAnimationFrame(run);
}
