/**
 * What the diagnostics bundle tells about a session: the last state changes with their cause,
 * and the readiness history (session, platform, SIP, microphone). Fed from snapshots, so it sees
 * exactly what the window and the tray saw.
 */
import { readiness } from '../../../shared/snapshot';
import type { Readiness, SessionSnapshot } from '../../../shared/snapshot';

/** Entries kept per history. */
export const HISTORY_LIMIT = 200;

export interface StateChange {
  at: number;
  from: string | null;
  to: string | null;
  phase: SessionSnapshot['phase'];
  cause: string;
}

export interface ReadinessChange {
  at: number;
  ready: boolean;
  links: Readiness['links'];
  broken: Readiness['broken'];
}

/** A bounded list: newest last, oldest dropped past `limit`. */
export class Ring<T> {
  private readonly items: T[] = [];
  constructor(private readonly limit = HISTORY_LIMIT) {}
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }
  list(): T[] {
    return [...this.items];
  }
}

/** Records state changes (with cause) and readiness changes from successive snapshots. */
export class DiagnosticsRecorder {
  readonly states = new Ring<StateChange>();
  readonly readiness = new Ring<ReadinessChange>();
  private last: SessionSnapshot | null = null;
  private lastReadiness = '';
  private nextCause: string | null = null;

  constructor(private readonly now: () => number) {}

  /** Names the cause of the next state change (e.g. a crash hold the shell asked for). */
  noteCause(cause: string): void {
    this.nextCause = cause;
  }

  observe(snapshot: SessionSnapshot): void {
    const previous = this.last;
    this.last = snapshot;
    if (!previous || previous.state !== snapshot.state || previous.phase !== snapshot.phase) {
      this.states.push({
        at: this.now(),
        from: previous?.state ?? null,
        to: snapshot.state,
        phase: snapshot.phase,
        cause: this.nextCause ?? causeOf(previous, snapshot),
      });
      this.nextCause = null;
    }
    const ready = readiness(snapshot, snapshot.microphone);
    const key = JSON.stringify([ready.ready, ready.links]);
    if (key !== this.lastReadiness) {
      this.lastReadiness = key;
      this.readiness.push({
        at: this.now(),
        ready: ready.ready,
        links: ready.links,
        broken: ready.broken,
      });
    }
  }
}

/** Why the state moved, as far as two snapshots tell. */
function causeOf(previous: SessionSnapshot | null, next: SessionSnapshot): string {
  if (!previous || previous.phase !== next.phase) {
    const error = next.lastError ? ` (${next.lastError.code})` : '';
    return `session ${next.phase}${error}`;
  }
  // Kept as the agent's choice, but not theirs: who set it is what a reader looks for.
  if (next.stateSetElsewhere && next.stateSetElsewhere !== previous.stateSetElsewhere)
    return 'set on the platform (a supervisor or an admin tool)';
  if (next.hold && next.hold !== previous.hold) return `system hold: ${next.hold.reason}`;
  if (!next.hold && previous.hold) return 'system hold lifted';
  if (next.call && (!previous.call || previous.call.phase !== next.call.phase))
    return `call ${next.call.phase}`;
  if (!next.call && previous.call) return 'call ended';
  if (next.chosenState === next.state && previous.chosenState !== next.chosenState)
    return 'agent chose it';
  return 'platform reported it';
}
