/**
 * A sip.js Transport over a `ws` WebSocket, for plain Node (Electron's main has no global
 * WebSocket before Node 22). It either opens a connection (the desktop's line) or adopts one a
 * `ws` server accepted (the emulator's registrar). WebSocket ping/pong notices a dead connection
 * even when no SIP traffic is due; the transport then reports itself disconnected and never
 * reconnects on its own — recovery belongs to the supervisor (sip.js's Transport contract).
 * Pings: keepalive.ts.
 */
import { WebSocket } from 'ws';
import { EmitterImpl, TransportState } from 'sip.js';
import type { Emitter, Transport } from 'sip.js';
import type { Clock, Logger } from '../ports';
import { startKeepalive } from './keepalive';
import type { SipTrace } from './sip-log';

/** Could not open the WebSocket; `code` is the socket error (e.g. ECONNREFUSED) when there was one. */
export class WsOpenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** How a client socket is made; tests pass a subclass of `ws`'s WebSocket to observe sockets. */
export type WebSocketConstructor = new (url: string, protocols: string) => WebSocket;

export interface WsTransportOptions {
  /** Client: the SIP-over-WebSocket URL to open. */
  server?: string;
  /** Server side: an accepted socket that is already open. */
  socket?: WebSocket;
  webSocket?: WebSocketConstructor;
  clock: Clock;
  logger: Logger;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveTimeoutMs: number;
  /** Sees every SIP message sent and received (the diagnostics bundle's SIP log). */
  trace?: SipTrace;
}

export class WsTransport implements Transport {
  readonly protocol: string;
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private current = TransportState.Disconnected;
  private readonly changes = new EmitterImpl<TransportState>();
  private socket: WebSocket | null = null;
  private opening: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    _sipLogger: unknown,
    private readonly options: WsTransportOptions,
  ) {
    this.protocol = options.server?.startsWith('wss:') ? 'WSS' : 'WS';
  }

  get state(): TransportState {
    return this.current;
  }
  get stateChange(): Emitter<TransportState> {
    return this.changes;
  }
  isConnected(): boolean {
    return this.current === TransportState.Connected;
  }

  connect(): Promise<void> {
    if (this.current === TransportState.Connected) return Promise.resolve();
    if (this.opening) return this.opening;
    const adopted = this.options.socket;
    if (adopted) {
      if (adopted.readyState !== WebSocket.OPEN)
        return Promise.reject(new Error('socket is not open'));
      this.attach(adopted);
      this.move(TransportState.Connected);
      return Promise.resolve();
    }
    this.move(TransportState.Connecting);
    const Ctor = this.options.webSocket ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Ctor(this.options.server ?? '', 'sip');
    } catch (error) {
      this.move(TransportState.Disconnected, error as Error);
      return Promise.reject(
        new WsOpenError(`bad SIP WebSocket URL: ${(error as Error).message}`, undefined),
      );
    }
    this.socket = ws;
    let failure: (Error & { code?: string }) | null = null;
    this.opening = new Promise<void>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(
        () => ws.terminate(),
        this.options.connectTimeoutMs,
      );
      ws.once('open', () => {
        this.options.clock.clearTimeout(timer);
        this.opening = null;
        this.attach(ws);
        this.move(TransportState.Connected);
        resolve();
      });
      ws.once('close', () => {
        this.options.clock.clearTimeout(timer);
        if (this.opening === null) return; // opened: the attached handler takes over
        this.opening = null;
        this.closing = null;
        this.socket = null;
        const reason = failure?.code ?? failure?.message ?? 'timed out';
        const error = new WsOpenError(
          `cannot open ${this.options.server} (${reason})`,
          failure?.code,
        );
        this.move(TransportState.Disconnected, error);
        reject(error);
      });
      // 'error' is always followed by 'close'; listening keeps it from throwing.
      ws.on('error', (error) => (failure ??= error));
    });
    return this.opening;
  }

  disconnect(): Promise<void> {
    const ws = this.socket;
    if (!ws || this.current === TransportState.Disconnected) return Promise.resolve();
    if (this.closing) return this.closing;
    this.move(TransportState.Disconnecting);
    this.closing = new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000);
      // A peer that never answers the close frame must not hold us.
      this.options.clock.setTimeout(() => ws.terminate(), 1_000);
    });
    return this.closing;
  }

  dispose(): Promise<void> {
    return this.disconnect();
  }

  send(message: string): Promise<void> {
    const ws = this.socket;
    if (!ws || this.current !== TransportState.Connected)
      return Promise.reject(new Error('Not connected.'));
    this.options.trace?.('sent', message);
    return new Promise((resolve, reject) =>
      ws.send(message, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Drops the connection at once, as a network loss would (no close handshake). */
  terminate(): void {
    this.socket?.terminate();
  }

  private attach(ws: WebSocket): void {
    this.socket = ws;
    ws.on('error', (error) =>
      this.options.logger.debug('sip websocket error', { error: error.message }),
    );
    const keepalive = startKeepalive(ws, {
      clock: this.options.clock,
      logger: this.options.logger,
      intervalMs: this.options.keepaliveIntervalMs,
      timeoutMs: this.options.keepaliveTimeoutMs,
    });
    ws.on('message', (data) => {
      keepalive.alive();
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as Buffer).toString('utf8');
      // A CRLF keepalive is not a SIP message.
      if (/^(\r\n)+$/.test(text) || this.current !== TransportState.Connected) return;
      this.onMessage?.(text);
      // Recorded after the line has seen it: an INVITE reaches the window first.
      this.options.trace?.('received', text);
    });
    ws.on('close', (code) => {
      keepalive.stop();
      this.socket = null;
      const requested = this.closing !== null;
      this.closing = null;
      const error = requested ? undefined : new Error(`websocket closed (code ${code})`);
      this.move(TransportState.Disconnected, error);
    });
  }

  private move(next: TransportState, error?: Error): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    if (previous === TransportState.Connected) this.onDisconnect?.(error);
    if (next === TransportState.Connected) this.onConnect?.();
    this.changes.emit(next);
  }
}
