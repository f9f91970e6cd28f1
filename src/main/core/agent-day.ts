/**
 * The agent's day, composed: call history and today's figures, screen-pop, and (with the
 * session's holds) wrap-up and the no-answer guard. create-core.ts calls this once and hands the
 * observers to the call controller and the handlers to the router.
 */
import { appError } from '../../shared/domain/errors';
import { HistoryRecorder } from './history/recorder';
import { HistoryStore } from './history/store';
import { ScreenPop } from './screen-pop';
import { MAX_MISSED } from './session';
import type { Clock, Logger } from '../../lib/ports';
import type { EventPayloads } from '../../shared/ipc/contract';
import type { Settings } from '../../shared/settings';
import type { AgentSession } from './session';
import type { CallObserver } from './calls';
import type { Handlers } from './router';
import type { OpenExternal } from './screen-pop';

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
  'history:page' | 'history:today' | 'call:open-record'
>;

export interface AgentDay {
  readonly history: HistoryStore;
  readonly observers: CallObserver[];
  readonly handlers: AgentDayHandlers;
  close(): void;
}

export function createAgentDay(options: AgentDayOptions): AgentDay {
  const { session, settings, clock, logger } = options;
  const agent = () => session.snapshot().profile?.name ?? null;
  const history = new HistoryStore({
    file: options.historyFile,
    logger,
    now: () => clock.now(),
    retentionDays: () => settings().historyRetentionDays,
  });
  // The missed-offer list is a view of the history: what was missed before a restart is back.
  for (const offer of history.missed(MAX_MISSED).reverse()) session.addMissed(offer);
  const recorder = new HistoryRecorder({
    store: history,
    agent,
    changed: () => options.emit('history:changed', { size: history.size() }),
  });
  recorder.watch(session.snapshot(), clock.now());
  const stopWatching = session.onChange((snapshot) => recorder.watch(snapshot, clock.now()));
  const screenPop = new ScreenPop({ settings, agent, open: options.openExternal, logger });

  const handlers: AgentDayHandlers = {
    'history:page': async (query) => ({ ok: true, value: history.page(query) }),
    'history:today': async () => ({ ok: true, value: history.today() }),
    'call:open-record': async ({ callId }) => {
      const call = session.snapshot().call;
      if (!call || call.id !== callId)
        return { ok: false, error: appError('invalid-input', undefined, 'no such call') };
      return screenPop.openRecord(call);
    },
  };

  return {
    history,
    observers: [recorder, screenPop],
    handlers,
    close() {
      stopWatching();
      history.addState(clock.now(), null);
      history.close();
    },
  };
}
