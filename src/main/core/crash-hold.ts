/**
 * The core's part of crash recovery. When the window (which owns the call's audio and the
 * ringtone) dies, the agent must not stay routable: any call is ended cleanly (BYE, or a refusal
 * while it rings) and logged, and the agent is held `busy/system/crash`. When the reloaded window
 * reports healthy media the earlier state comes back — unless the window crashes in a loop, in
 * which case the hold stays until the agent changes state themselves.
 */
import { isCallState } from '../../shared/domain/state';
import { SYSTEM_HOLD_STATES } from './session-rules';
import type { SessionSnapshot } from '../../shared/snapshot';
import type { Logger } from '../../lib/ports';

/** The state the agent is held in while the window is down. */
export const CRASH_HOLD_STATE = SYSTEM_HOLD_STATES.crash;

/** What crash recovery needs of the session: a named hold and its release. */
export interface CrashHoldPort {
  snapshot(): SessionSnapshot;
  /** Holds the agent in `state` (the session's named hold `crash`); false when refused. */
  hold(state: string): Promise<boolean>;
  /** Ends the `crash` hold, putting back `state`, the one from before it. */
  release(state: string): Promise<boolean>;
  /** Ends the current call (BYE once answered, a refusal while ringing). */
  endCall(callId: string): Promise<void>;
  /** Names the cause of the next state change (diagnostics). */
  noteCause(cause: string): void;
}

export class CrashHold {
  /** The state to restore; null when no crash hold is in force. */
  private heldFrom: string | null = null;
  /** Crashed in a loop: only the agent lifts the hold. */
  private keep = false;
  /** A hold waiting for the platform to take the agent out of the ended call's state. */
  private pending: string | null = null;

  constructor(
    private readonly port: CrashHoldPort,
    private readonly logger: Logger,
  ) {}

  /** True while the agent is held because the window died. */
  held(): boolean {
    return this.heldFrom !== null;
  }

  /** The window died: end the call, hold the agent (once), remember what to restore. */
  async windowCrashed(loop: boolean): Promise<void> {
    const before = this.port.snapshot();
    // A loop matters for the hold it keeps: signed out there is none to keep.
    if (before.phase !== 'signed-in') return;
    if (loop) this.keep = true;
    const call = before.call;
    if (call) {
      this.logger.warn('call ended: the window crashed', { callId: call.id, phase: call.phase });
      this.port.noteCause('window crashed: call ended');
      await this.port.endCall(call.id);
    }
    if (this.heldFrom !== null) return;
    const now = this.port.snapshot();
    if (now.state === CRASH_HOLD_STATE) return;
    if (call) {
      // After the call the platform puts the agent in its reserve state (routable): hold as
      // soon as the state read back leaves the call.
      this.pending = before.chosenState ?? 'idle';
      if (!isCallState(now.state)) await this.holdNow();
      return;
    }
    if (isCallState(now.state)) return;
    this.pending = now.state ?? 'idle';
    await this.holdNow();
  }

  private async holdNow(): Promise<void> {
    const previous = this.pending;
    if (previous === null) return;
    this.pending = null;
    this.port.noteCause('window crashed: held');
    if (await this.port.hold(CRASH_HOLD_STATE)) {
      this.heldFrom = previous;
      this.logger.warn('agent held: the window crashed', { restore: previous, loop: this.keep });
    }
  }

  /** The window reports healthy media: lift the hold, unless the window crashes in a loop. */
  async windowHealthy(): Promise<void> {
    if (this.keep) return;
    // Back before the hold could be applied: the window can ring again, no hold needed.
    this.pending = null;
    if (this.heldFrom === null) return;
    const snapshot = this.port.snapshot();
    const back = this.heldFrom;
    this.heldFrom = null;
    // The agent (or a supervisor) chose another state meanwhile: that choice wins.
    if (snapshot.phase !== 'signed-in' || snapshot.state !== CRASH_HOLD_STATE) return;
    this.port.noteCause('window healthy again: restored');
    if (await this.port.release(back)) this.logger.info('crash hold lifted', { state: back });
  }

  /** The agent moved away from the hold themselves (or signed out): forget it and the loop. */
  observe(snapshot: SessionSnapshot): void {
    if (this.pending !== null) {
      if (snapshot.phase !== 'signed-in') this.pending = null;
      else if (!isCallState(snapshot.state)) void this.holdNow();
      return;
    }
    if (this.heldFrom === null) return;
    const left = snapshot.phase !== 'signed-in' || snapshot.state !== CRASH_HOLD_STATE;
    if (!left) return;
    this.heldFrom = null;
    this.keep = false;
  }
}
