/**
 * A small UDP relay on 127.0.0.1 for media tests: it stands between the window's WebRTC and the
 * emulator's media endpoint (the test rewrites each side's candidates to the relay's port), and
 * can drop a share of the packets and delay each by a random time — a lossy, jittery network.
 * One socket: datagrams from the endpoint go to the window's last address, all others to the
 * endpoint.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';

export interface Impairment {
  /** Share of packets dropped, 0–1. */
  loss: number;
  /** Each packet waits delayMs ± jitterMs (uniform). */
  delayMs: number;
  jitterMs: number;
}

export const CLEAN: Impairment = { loss: 0, delayMs: 0, jitterMs: 0 };

export class LossyRelay {
  impairment: Impairment = CLEAN;
  readonly counts = { forwarded: 0, dropped: 0 };
  private client: RemoteInfo | null = null;
  private target: { address: string; port: number } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (data, from) => this.relay(data, from));
    socket.on('error', () => undefined);
  }

  static async start(): Promise<LossyRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new LossyRelay(socket, socket.address().port);
  }

  /** The media endpoint's address (from its offer). */
  towards(address: string, port: number): void {
    this.target = { address, port };
  }

  private relay(data: Buffer, from: RemoteInfo): void {
    const target = this.target;
    if (!target) return;
    const fromTarget = from.port === target.port && from.address === target.address;
    if (!fromTarget) this.client = from;
    const to = fromTarget ? this.client : target;
    if (!to) return;
    const { loss, delayMs, jitterMs } = this.impairment;
    if (loss > 0 && Math.random() < loss) {
      this.counts.dropped++;
      return;
    }
    this.counts.forwarded++;
    const wait = Math.max(0, delayMs + (Math.random() * 2 - 1) * jitterMs);
    if (wait === 0) return void this.socket.send(data, to.port, to.address);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.socket.send(data, to.port, to.address);
    }, wait);
    this.timers.add(timer);
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** Replaces every ICE candidate in `sdp` with one host candidate at 127.0.0.1:`port`. */
export function throughRelay(sdp: string, port: number): string {
  const lines = sdp.split(/\r?\n/);
  const out: string[] = [];
  let added = false;
  for (const line of lines) {
    if (line.startsWith('a=candidate:')) {
      if (!added) out.push(`a=candidate:1 1 udp 2130706431 127.0.0.1 ${port} typ host`);
      added = true;
      continue;
    }
    if (line.startsWith('a=end-of-candidates')) continue;
    if (line.startsWith('c=IN IP4 ')) out.push('c=IN IP4 127.0.0.1');
    else if (line.startsWith('m=audio ')) out.push(line.replace(/^m=audio \d+/, `m=audio ${port}`));
    else out.push(line);
  }
  return out.join('\r\n');
}

/** The first UDP host candidate's address and port in `sdp`. */
export function firstCandidate(sdp: string): { address: string; port: number } {
  const m = /a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/i.exec(sdp);
  if (!m) throw new Error('no UDP host candidate in the offer');
  return { address: m[1]!, port: Number(m[2]) };
}
