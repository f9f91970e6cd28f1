/**
 * How a snapshot travels to the window. The missed list (up to 50 rows) rides in every snapshot
 * but changes on few of them: a push leaves it out when the window already holds that list, and
 * the window's session store puts it back before anything reads the snapshot. The rule lives
 * here once, for both ends: the Electron shell and the browser host send, the store receives
 * (in the page itself, where the list is held: behind Electron's preload, each object handed to
 * the page is copied, so putting the list back there would copy it on every push).
 *
 * The snapshot's `missedVersion` names its list. The sender leaves the list out only when the
 * last push it sent on this channel carried the same version. A receiver that does not hold that
 * version (a reloaded page under a running main) drops the push and asks for the whole snapshot,
 * which is newer than the push it dropped.
 */
import type { MissedOffer, SessionSnapshot } from '../snapshot';
import type { EventChannel, EventPayloads, Result } from './contract';

/** A snapshot as pushed: without `missed` when the window already holds `missedVersion`'s. */
export type SessionPush = Omit<SessionSnapshot, 'missed'> & { missed?: MissedOffer[] };

/** What each event carries on the wire to the window. */
export type WirePayloads = Omit<EventPayloads, 'session:changed'> & {
  'session:changed': SessionPush;
};

/**
 * One per window channel, in the host that sends main's events to that window: a snapshot goes
 * without its list when the last one sent on this channel carried the same version.
 */
export function createWindowPushEncoder(): <E extends EventChannel>(
  event: E,
  payload: EventPayloads[E],
) => WirePayloads[E] {
  let sent: number | null = null;
  return (event, payload) => {
    if (event !== 'session:changed') return payload as WirePayloads[typeof event];
    const snapshot = payload as SessionSnapshot;
    if (snapshot.missedVersion !== sent) {
      sent = snapshot.missedVersion;
      return snapshot as WirePayloads[typeof event];
    }
    const { missed: _held, ...push } = snapshot;
    return push as WirePayloads[typeof event];
  };
}

/** The window's side: pushes made whole, and the lists it learns from whole snapshots. */
export interface SessionPushDecoder {
  /** A push as it came: `deliver` gets it whole, or it is dropped and the snapshot asked for. */
  push(push: SessionPush): void;
  /** A whole snapshot the window got otherwise (a command's answer): its list is held too. */
  keep(snapshot: SessionSnapshot): void;
}

/**
 * One per window (the session store): turns pushes back into whole snapshots. `deliver` gets
 * each whole snapshot (at most once per push); a push whose list this window does not hold is
 * dropped and the snapshot asked for instead (`resync`, one request at a time).
 */
export function createSessionPushDecoder(
  resync: () => Promise<Result<SessionSnapshot>>,
  deliver: (snapshot: SessionSnapshot) => void,
): SessionPushDecoder {
  let held: { version: number; missed: MissedOffer[] } | null = null;
  let asking = false;
  const keep = (snapshot: SessionSnapshot) => {
    held = { version: snapshot.missedVersion, missed: snapshot.missed };
  };
  const push = (push: SessionPush) => {
    if (push.missed) {
      keep(push as SessionSnapshot);
      return deliver(push as SessionSnapshot);
    }
    if (held && held.version === push.missedVersion) {
      return deliver({ ...push, missed: held.missed });
    }
    if (asking) return;
    asking = true;
    void resync()
      .then((result) => {
        if (!result.ok) return;
        keep(result.value);
        deliver(result.value);
      })
      .catch(() => undefined)
      .finally(() => (asking = false));
  };
  return { push, keep };
}
