/** Helpers to drive a SipLine in tests: waits on its status events, and a recording WebSocket. */
import { WebSocket } from 'ws';
import { silentLogger, systemClock } from '../../../../src/lib/ports';
import { createSipLine } from '../../../../src/main/sip/index';
import type { SipStatus, SipState } from '../../../../src/shared/snapshot';
import type { SipLine } from '../../../../src/main/sip/types';
import type { SipTiming } from '../../../../src/main/sip/timing';
import type { WebSocketConstructor } from '../../../../src/lib/sip-ws/ws-transport';
import type { IncomingCall } from '../../../../src/main/sip/call-types';
import type { SipAccount } from '../../../../src/emulator/sip-directory';
import { lineConfig, startEmbeddedServer, type EmbeddedServer } from './embedded-server';
import { MemoryDirectory } from './memory-directory';

/** Short periods so tests see keepalive, refresh and backoff within a few seconds. */
export const FAST_TIMING: Partial<SipTiming> = {
  connectTimeoutMs: 1_000,
  registerTimeoutMs: 1_000,
  keepaliveIntervalMs: 300,
  keepaliveTimeoutMs: 300,
  unregisterTimeoutMs: 1_000,
  backoffBaseMs: 100,
  backoffCapMs: 400,
  unreachableCapMs: 200,
};

/** Resolves with the status once `predicate` holds (now or on a later status event). */
export function untilStatus(
  line: SipLine,
  predicate: (status: SipStatus) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<SipStatus> {
  return new Promise((resolve, reject) => {
    if (predicate(line.status())) return resolve(line.status());
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; status ${JSON.stringify(line.status())}`,
        ),
      );
    }, timeoutMs);
    const off = line.onStatus((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

/** Waits for a state. */
export const untilState = (line: SipLine, state: SipState, timeoutMs?: number) =>
  untilStatus(line, (s) => s.state === state, `state ${state}`, timeoutMs);

/** Records every state the line passes through. */
export function recordStates(line: SipLine): SipState[] {
  const states: SipState[] = [line.status().state];
  line.onStatus((status) => {
    if (states[states.length - 1] !== status.state) states.push(status.state);
  });
  return states;
}

/** A `ws` WebSocket class that keeps every socket the line opens, to count or kill them. */
export function recordingWebSocket(): { Ctor: WebSocketConstructor; sockets: WebSocket[] } {
  const sockets: WebSocket[] = [];
  class Recording extends WebSocket {
    constructor(url: string, protocols: string) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  return { Ctor: Recording, sockets };
}

/**
 * Makes SIP lines with FAST_TIMING (or the given timing) and stops every one of them in
 * `stopAll()`, for an afterEach.
 */
export function lineKeeper() {
  const lines: SipLine[] = [];
  return {
    newLine(
      options: { webSocket?: WebSocketConstructor; timing?: Partial<SipTiming> } = {},
    ): SipLine {
      const line = createSipLine({
        clock: systemClock,
        logger: silentLogger,
        timing: options.timing ?? FAST_TIMING,
        ...(options.webSocket ? { webSocket: options.webSocket } : {}),
      });
      lines.push(line);
      return line;
    },
    stopAll: () => Promise.all(lines.splice(0).map((line) => line.stop())),
  };
}

/**
 * The embedded registrar and a SIP line registered on it for `account` (fast timing), with the
 * calls it hands over collected in `calls` as they arrive. The test stops both.
 */
export async function registeredLine(
  account: SipAccount,
  directory = new MemoryDirectory(),
): Promise<{ embedded: EmbeddedServer; line: SipLine; calls: IncomingCall[] }> {
  const embedded = await startEmbeddedServer(directory);
  const line = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
  const calls: IncomingCall[] = [];
  line.onIncomingCall((call) => calls.push(call));
  line.start(lineConfig(embedded.wsUrl, account));
  await untilState(line, 'registered');
  return { embedded, line, calls };
}
