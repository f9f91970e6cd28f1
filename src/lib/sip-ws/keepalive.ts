/**
 * WebSocket ping/pong liveness: a ping every interval, and a connection that lets a whole timeout
 * pass after a ping without a pong or any other frame is terminated — which the transport then
 * reports as a loss. This is what notices a dead connection when no SIP traffic is due.
 */
import type { WebSocket } from 'ws';
import type { Clock, Logger, TimerHandle } from '../ports';

export interface Keepalive {
  /** Any frame from the peer proves it alive. */
  alive(): void;
  stop(): void;
}

/** Starts pinging `ws`; call `alive` on every received frame and `stop` on close. */
export function startKeepalive(
  ws: WebSocket,
  options: { clock: Clock; logger: Logger; intervalMs: number; timeoutMs: number },
): Keepalive {
  const { clock, logger, intervalMs, timeoutMs } = options;
  let pingTimer: TimerHandle | null = null;
  let deadTimer: TimerHandle | null = null;
  const alive = () => {
    if (deadTimer !== null) clock.clearTimeout(deadTimer);
    deadTimer = null;
  };
  const schedule = () => {
    pingTimer = clock.setTimeout(() => {
      ws.ping();
      deadTimer ??= clock.setTimeout(() => {
        logger.warn('sip websocket: no pong, dropping the connection', { timeoutMs });
        ws.terminate();
      }, timeoutMs);
      schedule();
    }, intervalMs);
  };
  ws.on('pong', alive);
  schedule();
  return {
    alive,
    stop: () => {
      if (pingTimer !== null) clock.clearTimeout(pingTimer);
      pingTimer = null;
      alive();
    },
  };
}
