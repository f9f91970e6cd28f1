/**
 * OS power and network events → core.system(). Suspend/resume/lock/unlock come from
 * powerMonitor. Electron's main process has no online/offline event, so `net.isOnline()` is
 * polled at a low cadence (every 5 s, and at once after resume/unlock) and only changes are
 * reported.
 */
import { net, powerMonitor } from 'electron';
import type { DesktopCore, SystemEvent } from '../core/desktop-core';

/** How often the network state is sampled: 0.2 wake-ups per second. */
export const NETWORK_POLL_MS = 5000;

const POWER_EVENTS = ['suspend', 'resume', 'lock-screen', 'unlock-screen'] as const;

/** Wires powerMonitor and network polling to the core; returns a function that stops both. */
export function setupPower(
  core: Pick<DesktopCore, 'system'>,
  pollMs = NETWORK_POLL_MS,
): () => void {
  let online = net.isOnline();
  // The core assumes a network; tell it at once when there is none.
  if (!online) core.system('offline');

  const checkNetwork = () => {
    const now = net.isOnline();
    if (now === online) return;
    online = now;
    core.system(now ? 'online' : 'offline');
  };

  const listeners = POWER_EVENTS.map((event) => {
    const listener = () => {
      core.system(event satisfies SystemEvent);
      if (event === 'resume' || event === 'unlock-screen') checkNetwork();
    };
    powerMonitor.on(event as 'suspend', listener);
    return [event, listener] as const;
  });
  const timer = setInterval(checkNetwork, pollMs);

  return () => {
    clearInterval(timer);
    for (const [event, listener] of listeners) powerMonitor.off(event as 'suspend', listener);
  };
}
