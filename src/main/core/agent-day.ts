/**
 * The agent's day, composed: call history and today's figures, screen-pop, and (with the
 * session's holds) wrap-up and the no-answer guard. create-core.ts calls this once and hands the
 * observers to the call controller and the handlers to the router.
 */
import { appError } from '../../shared/domain/errors';
import { HistoryRecorder } from './history/recorder';
import { ALIVE_EVERY_MS, HistoryStore } from './history/store';
import { NoAnswerGuard } from './no-answer-guard';
import { ScreenPop } from './screen-pop';
import { WrapUp } from './wrap-up';
import { MAX_MISSED } from './session';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import type { EventPayloads } from '../../shared/ipc/contract';
import type { AgentDayStatus, SessionSnapshot } from '../../shared/snapshot';
import type { IncomingCall, RejectKind } from '../sip/call-types';
import type { Settings } from '../../shared/settings';
import type { AgentSession } from './session';
import type { CallObserver } from './calls';
import type { Handlers } from './router';
import type { OpenExternal } from './screen-pop';

/** How long a change to the history waits for the ones right after it (one notice for all). */
export const HISTORY_NEWS_MS = 50;

export interface AgentDayOptions {
  session: AgentSession;
  settings: () => Settings;
  clock: Clock;
  logger: Logger;
  /** history.jsonl in the user-data folder; null = memory only. */
  historyFile: string | null;
  openExternal: OpenExternal | null;
  emit: <E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]) => void;
}

export type AgentDayHandlers = Pick<
  Handlers,
  | 'history:page'
  | 'history:today'
  | 'call:open-record'
  | 'day:status'
  | 'wrap-up:ready-now'
  | 'wrap-up:extend'
>;

export interface AgentDay {
  readonly history: HistoryStore;
  readonly wrapUp: WrapUp;
  readonly guard: NoAnswerGuard;
  readonly observers: CallObserver[];
  readonly handlers: AgentDayHandlers;
  /** The call controller's gate: offers declined before they ring (wrap-up, guard tripping). */
  admit(call: IncomingCall): { kind: RejectKind; why: string } | null;
  /** Whether `admit` would decline an offer now, without its side effects. */
  declining(): boolean;
  /** The agent chose a state (window, tray, hotkey): wrap-up ends, the guard starts over. */
  manualStateChange(): void;
  /** The computer woke from sleep: timers that slept with it are set again from the time. */
  resumed(): void;
  /** The agent cleared the missed-offer list (newest ring `upTo`): it stays clear after a restart. */
  missedCleared(upTo: number): void;
  status(): AgentDayStatus;
  close(): void;
}

export function createAgentDay(options: AgentDayOptions): AgentDay {
  const { session, settings, clock, logger } = options;
  const agent = () => session.snapshot().profile?.name ?? null;
  const signedIn = () => whoseList(session.snapshot());
  const history = new HistoryStore({
    file: options.historyFile,
    logger,
    now: () => clock.now(),
    retentionDays: () => settings().historyRetentionDays,
  });
  // The missed-offer list is a view of the history: what was missed before a restart is back.
  // It is the signed-in agent's own: on a shared PC the next agent must not see the callers
  // the last one missed. Set again whenever the agent changes (sign-out empties it).
  let listed = signedIn();
  for (const offer of history.missed(MAX_MISSED, listed).reverse()) session.addMissed(offer);
  const relist = () => {
    const now = signedIn();
    if (now === listed) return;
    listed = now;
    session.clearMissed();
    if (now === null) return;
    for (const offer of history.missed(MAX_MISSED, now).reverse()) session.addMissed(offer);
  };
  // Not inside the session's push: its other listeners would hear of the list out of order.
  const stopListing = session.onChange(() => queueMicrotask(relist));
  // One notice for the changes of a moment: a call's end and the state the platform left the
  // agent in a few milliseconds later are one refresh of the history page, not two messages.
  let news: TimerHandle | null = null;
  const tellHistory = () => {
    news = null;
    options.emit('history:changed', { size: history.size() });
  };
  const recorder = new HistoryRecorder({
    store: history,
    agent,
    changed: () => {
      news ??= clock.setTimeout(tellHistory, HISTORY_NEWS_MS);
    },
  });
  recorder.watch(session.snapshot(), clock.now());
  const stopWatching = session.onChange((snapshot) => recorder.watch(snapshot, clock.now()));
  // The journal hears about once a minute that the app runs, so a crash or a power cut ends the
  // last state there (history/store.ts `alive`).
  const beatOn = () => {
    history.alive(clock.now());
    beat = clock.setTimeout(beatOn, ALIVE_EVERY_MS);
  };
  let beat = clock.setTimeout(beatOn, ALIVE_EVERY_MS);
  const screenPop = new ScreenPop({ settings, agent, open: options.openExternal, logger });

  const publish = () => options.emit('day:changed', status());
  // The app's own holds on the agent (the session's named holds): never the agent's choice, so
  // neither their chosen state nor their recent reasons change, and a heal keeps the hold.
  const wrapUpHold = {
    hold: (target: string, restoreTo: string) => session.holdFor('wrap-up', target, restoreTo),
    release: () => session.releaseHold('wrap-up'),
  };
  const wrapUp = new WrapUp({
    session: {
      snapshot: () => session.snapshot(),
      setState: (s) => session.setState(s),
      ...wrapUpHold,
    },
    settings,
    clock,
    logger,
    publish,
  });
  const guard = new NoAnswerGuard({
    session: {
      snapshot: () => session.snapshot(),
      hold: (target: string) => session.holdFor('no-answer', target),
    },
    settings,
    clock,
    logger,
    publish,
  });
  const status = (): AgentDayStatus => ({ wrapUp: wrapUp.status(), noAnswer: guard.current() });
  const stopDay = session.onChange((snapshot) => {
    wrapUp.watch(snapshot);
    guard.watch(snapshot);
  });

  const handlers: AgentDayHandlers = {
    // Each agent sees only their own calls and figures (a PC shared between shifts); nobody
    // signed in, nobody's.
    'history:page': async (query) => ({ ok: true, value: history.page(query, signedIn()) }),
    'history:today': async () => ({ ok: true, value: history.today(signedIn()) }),
    'call:open-record': async ({ callId }) => {
      const call = session.snapshot().call;
      if (!call || call.id !== callId)
        return { ok: false, error: appError('call-gone', 'no such call') };
      return screenPop.openRecord(call);
    },
    'day:status': async () => ({ ok: true, value: status() }),
    'wrap-up:ready-now': async () => {
      await wrapUp.readyNow();
      return { ok: true, value: status() };
    },
    'wrap-up:extend': async () => {
      wrapUp.extend();
      return { ok: true, value: status() };
    },
  };

  return {
    history,
    wrapUp,
    guard,
    observers: [recorder, screenPop, wrapUp, guard],
    handlers,
    admit: (call) => wrapUp.admit(call) ?? guard.admit(call),
    declining: () => wrapUp.declining() || guard.declining(),
    manualStateChange() {
      wrapUp.manualChange();
      guard.manualChange();
    },
    resumed() {
      wrapUp.resumed();
    },
    missedCleared(upTo) {
      history.clearMissed(upTo, signedIn());
    },
    status,
    close() {
      clock.clearTimeout(beat);
      if (news !== null) clock.clearTimeout(news);
      stopWatching();
      stopListing();
      stopDay();
      wrapUp.close();
      guard.close();
      history.addState(clock.now(), null);
      history.close();
    },
  };
}

/** Whose missed-offer list the window shows: the agent signed in (or signing in), else nobody's. */
function whoseList(snapshot: SessionSnapshot): string | null {
  return snapshot.phase === 'signed-out' ? null : (snapshot.profile?.name ?? null);
}
