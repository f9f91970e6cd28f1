/**
 * Named holds: the app, not the agent, puts the agent in a state for a while, for a cause
 * (suspend, lock, a window crash, wrap-up after a call, a heal during one), and puts back what
 * was there before when the cause goes. This part only decides; the session talks to the platform.
 *
 * Rules: one hold at a time. A second cause while held takes over the target but keeps what to
 * restore (the agent's own state from before the first hold). A state the agent (or a
 * supervisor) chose meanwhile wins: releasing then only forgets the hold.
 */
import type { SystemHold } from '../../shared/snapshot';

/** Why the app holds the agent; the window shows `banner.hold.<cause>`. */
export type HoldCause = SystemHold;

export interface ActiveHold {
  cause: HoldCause;
  /** The state the app set on the agent's behalf. */
  target: string;
  /** The state before the hold; null when there is nothing worth restoring (online). */
  restoreTo: string | null;
  since: number;
}

/** What releasing a hold asks the session to do. */
export type Release =
  { kind: 'not-held' } | { kind: 'forget' } | { kind: 'restore'; state: string };

/** Suspend and lock: the agent is away from the desk. */
export function isSystemHold(cause: HoldCause | undefined): cause is 'suspend' | 'lock' {
  return cause === 'suspend' || cause === 'lock';
}

/**
 * Holds that end by themselves with the call or the work after it (the in-call hold, wrap-up,
 * the no-answer guard), so suspend and lock outrank them. A crash hold is not one: it lasts
 * until the window is back.
 */
export function endsByItself(cause: HoldCause | undefined): boolean {
  return cause === 'in-call' || cause === 'wrap-up' || cause === 'no-answer';
}

/**
 * Whether a hold in place stays when one that ends by itself is asked for: lock and suspend
 * (unlocking or waking restores what was before), and the crash hold (it lasts until the window
 * is back; wrap-up's end would otherwise make the agent routable in a dead window).
 */
export function outranksSelfEnding(held: HoldCause | undefined): boolean {
  return isSystemHold(held) || held === 'crash';
}

export class NamedHolds {
  private active: ActiveHold | null = null;

  current(): ActiveHold | null {
    return this.active;
  }

  /** Records a hold the platform accepted; `from` is the state just before it. */
  begin(cause: HoldCause, target: string, from: string | null, since: number): ActiveHold {
    const restoreTo = this.active ? this.active.restoreTo : from && from !== 'online' ? from : null;
    this.active = { cause, target, restoreTo, since: this.active?.since ?? since };
    return this.active;
  }

  /** Decides what releasing `cause` means while the agent is in `state`. */
  planRelease(cause: HoldCause, state: string | null): Release {
    const hold = this.active;
    if (!hold || hold.cause !== cause) return { kind: 'not-held' };
    if (state !== hold.target || !hold.restoreTo) return { kind: 'forget' };
    return { kind: 'restore', state: hold.restoreTo };
  }

  /** The hold is over (released, or the agent chose a state, or the session ended). */
  clear(): void {
    this.active = null;
  }

  /** The state a heal should log in with: the hold's target while held, else the agent's choice. */
  restoreTarget(chosen: string | null): string {
    return this.active?.target ?? chosen ?? 'online';
  }
}
