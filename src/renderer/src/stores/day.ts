/**
 * Mirrors main's agent's-day status (wrap-up, no-answer notice) with the same subscribe-then-get
 * order as the other stores, and asks main for history pages and today's figures. No rules here:
 * filtering, paging and figures are computed in main.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { call, desktopApi } from '../desktop';
import type { HistoryPage, HistoryQuery, TodayFigures } from '../../../shared/history';
import type { Result } from '../../../shared/ipc/contract';
import type { AgentDayStatus } from '../../../shared/snapshot';

export const useDayStore = defineStore('day', () => {
  const status = shallowRef<AgentDayStatus>({ wrapUp: null, noAnswer: null });
  /** Bumped whenever main says the history changed: views re-query. */
  const historyVersion = ref(0);
  let stops: Array<() => void> = [];

  async function start(): Promise<void> {
    if (stops.length) return;
    const api = desktopApi();
    if (!api) return;
    stops = [
      api.onDayChanged((next) => (status.value = next)),
      api.onHistoryChanged(() => historyVersion.value++),
    ];
    const result = await call((a) => a.getDayStatus());
    if (result.ok) status.value = result.value;
  }

  function stop(): void {
    for (const s of stops) s();
    stops = [];
  }

  /** "Ready now"; the answer says whether main could (the banner says why not). */
  async function readyNow(): Promise<Result<AgentDayStatus>> {
    const result = await call((a) => a.wrapUpReadyNow());
    if (result.ok) status.value = result.value;
    return result;
  }

  /** "+30 s". */
  async function extend(): Promise<Result<AgentDayStatus>> {
    const result = await call((a) => a.wrapUpExtend());
    if (result.ok) status.value = result.value;
    return result;
  }

  const page = (query: HistoryQuery) => call<HistoryPage>((a) => a.getHistoryPage(query));
  const today = () => call<TodayFigures>((a) => a.getTodayFigures());
  const openRecord = (callId: string) => call((a) => a.openCustomerRecord(callId));

  return { status, historyVersion, start, stop, readyNow, extend, page, today, openRecord };
});
