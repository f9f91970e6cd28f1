/**
 * A fake DesktopApi for component tests: records every call, answers from programmable
 * handlers (defaults behave like a small, obliging main), and can push snapshots/settings.
 */
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { initialSnapshot } from '../../src/shared/snapshot';
import type { DesktopApi } from '../../src/shared/ipc/api';
import type { Result } from '../../src/shared/ipc/contract';
import type { AppError } from '../../src/shared/domain/errors';
import type { Agent, ExtensionSummary, Page } from '../../src/shared/platform/dto';
import type { AgentDayStatus, CallInfo, SessionSnapshot } from '../../src/shared/snapshot';
import type { HistoryCall, HistoryPage, TodayFigures } from '../../src/shared/history';
import type { SettingsView } from '../../src/shared/settings';
import type { SessionPush } from '../../src/shared/ipc/session-push';

export type Method = Exclude<
  keyof DesktopApi,
  | 'onSnapshot'
  | 'onCallRinging'
  | 'onSettings'
  | 'onMediaRequest'
  | 'onDayChanged'
  | 'onHistoryChanged'
>;
export interface Call {
  method: keyof DesktopApi;
  args: unknown[];
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: AppError['code'], message = ''): Result<never> => ({
  ok: false,
  error: { code, message },
});

export function signedOutSnapshot(patch: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return { ...initialSnapshot('http://127.0.0.1:1/v1/account/demo', true, 1_000), ...patch };
}

export function signedInSnapshot(patch: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const base = signedOutSnapshot();
  return {
    ...base,
    phase: 'signed-in',
    platform: { ...base.platform, health: 'ok', lastAckAt: Date.now() },
    profile: { name: 'agent_01', extension: 'ext1', initialState: 'online' },
    agent: {
      name: 'agent_01',
      num: '1001',
      state: 'idle',
      extension: 'ext1',
      skills: [
        { name: 'sales', score: 10, enabled: true },
        { name: 'support', score: 5, enabled: false },
      ],
    },
    state: 'idle',
    stateSince: Date.now() - 65_000,
    sip: {
      state: 'registered',
      since: 0,
      aor: 'sip:1000100001@sip.oneyun.com',
      lastError: null,
      nextRetryAt: null,
    },
    ...patch,
  };
}

export function settingsView(patch: Partial<SettingsView> = {}): SettingsView {
  return {
    settings: { ...DEFAULT_SETTINGS },
    secrets: { secretKey: false, sipPassword: false, sipProxyPassword: false },
    secureStorage: true,
    ...patch,
  };
}

export const EXTENSIONS: ExtensionSummary[] = [
  { id: 'ext1', type: '1', user: '1000100001' },
  { id: 'ext2', type: '1', user: '1000100002' },
];

export function team(count: number): Agent[] {
  const states = ['idle', 'busy/小休', 'away', 'talking', 'online'];
  return Array.from({ length: count }, (_, i) => ({
    name: `agent_${String(i + 1).padStart(3, '0')}`,
    num: String(1000 + i),
    state: states[i % states.length] ?? null,
    extension: `ext${i + 1}`,
    skills: [],
  }));
}

function pageOf<T>(all: T[], pageNo: number, pageSize: number): Page<T> {
  const start = (pageNo - 1) * pageSize;
  return {
    pageSize,
    startIndex: start + 1,
    totalCount: all.length,
    totalPageCount: Math.ceil(all.length / pageSize),
    currentPageNo: pageNo,
    result: all.slice(start, start + pageSize),
  };
}

type Handlers = {
  [M in Method]: (...args: Parameters<DesktopApi[M]>) => ReturnType<DesktopApi[M]>;
};

export class FakeApi implements DesktopApi {
  calls: Call[] = [];
  snapshot: SessionSnapshot = signedOutSnapshot();
  settings: SettingsView = settingsView();
  agents: Agent[] = team(3);
  extensions: ExtensionSummary[] = EXTENSIONS;
  private snapshotListeners = new Set<(s: SessionPush) => void>();
  private ringingListeners = new Set<(call: CallInfo) => void>();
  private settingsListeners = new Set<(s: SettingsView) => void>();

  /** Override any command's answer. */
  handlers: Partial<Handlers> = {};

  callsOf(method: keyof DesktopApi): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Main's note of a new ringing call, ahead of its snapshot. */
  pushRinging(call: CallInfo): void {
    for (const l of this.ringingListeners) l(call);
  }
  /** Main pushes a snapshot (and this fake remembers it as the current one). */
  push(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    for (const l of this.snapshotListeners) l(snapshot);
  }
  /** Main pushes a snapshot as it goes on the wire: without the list the window holds. */
  pushWithoutMissed(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    const { missed: _held, ...push } = snapshot;
    for (const l of this.snapshotListeners) l(push);
  }
  pushSettings(view: SettingsView): void {
    this.settings = view;
    for (const l of this.settingsListeners) l(view);
  }

  private run<M extends Method>(
    method: M,
    args: Parameters<DesktopApi[M]>,
    fallback: () => ReturnType<DesktopApi[M]>,
  ): ReturnType<DesktopApi[M]> {
    this.calls.push({ method, args });
    const handler = this.handlers[method] as
      ((...a: unknown[]) => ReturnType<DesktopApi[M]>) | undefined;
    return handler ? handler(...args) : fallback();
  }
  private snap = () => Promise.resolve(ok(this.snapshot));

  getSnapshot = () => this.run('getSnapshot', [], this.snap);
  signIn = (profile: Parameters<DesktopApi['signIn']>[0]) =>
    this.run('signIn', [profile], () => {
      this.push(signedInSnapshot({ profile, state: profile.initialState ?? 'online' }));
      return this.snap();
    });
  signOut = (force: boolean) => this.run('signOut', [force], () => this.signOutDefault(force));
  /** What signOut does unless a test overrides it (callable from an override). */
  signOutDefault = (_force: boolean) => {
    this.push(signedOutSnapshot());
    return this.snap();
  };
  reauthenticate = (password: string) =>
    this.run('reauthenticate', [password], () => {
      const access = this.snapshot.access;
      this.push({
        ...this.snapshot,
        ...(access ? { access: { ...access, signInNeeded: false } } : {}),
      });
      return this.snap();
    });
  dismissQuestion = () =>
    this.run('dismissQuestion', [], () => {
      this.push({ ...this.snapshot, question: null });
      return this.snap();
    });
  clearMissed = () =>
    this.run('clearMissed', [], () => {
      this.push({ ...this.snapshot, missed: [], missedVersion: this.snapshot.missedVersion + 1 });
      return this.snap();
    });
  refresh = () => this.run('refresh', [], this.snap);
  setState = (state: string) =>
    this.run('setState', [state], () => {
      this.push({ ...this.snapshot, state, stateSince: Date.now() });
      return this.snap();
    });
  editSkills = (opts: Parameters<DesktopApi['editSkills']>[0]) =>
    this.run('editSkills', [opts], this.snap);
  setExtension = (id: string) => this.run('setExtension', [id], this.snap);
  listTeam = (pageNo: number, pageSize: number) =>
    this.run('listTeam', [pageNo, pageSize], () =>
      Promise.resolve(ok(pageOf(this.agents, pageNo, pageSize))),
    );
  listExtensions = (pageNo: number, pageSize: number) =>
    this.run('listExtensions', [pageNo, pageSize], () =>
      Promise.resolve(ok(pageOf(this.extensions, pageNo, pageSize))),
    );
  getSettings = () => this.run('getSettings', [], () => Promise.resolve(ok(this.settings)));
  updateSettings = (patch: Parameters<DesktopApi['updateSettings']>[0]) =>
    this.run('updateSettings', [patch], () => {
      const { secrets, ...rest } = patch;
      this.settings = {
        ...this.settings,
        settings: { ...this.settings.settings, ...rest },
        secrets: {
          secretKey: this.settings.secrets.secretKey || !!secrets?.secretKey,
          sipPassword: this.settings.secrets.sipPassword || !!secrets?.sipPassword,
          sipProxyPassword: this.settings.secrets.sipProxyPassword || !!secrets?.sipProxyPassword,
        },
      };
      return Promise.resolve(ok(this.settings));
    });
  answerCall = (callId: string) => this.run('answerCall', [callId], this.snap);
  rejectCall = (callId: string) => this.run('rejectCall', [callId], this.snap);
  hangUp = (callId: string) => this.run('hangUp', [callId], this.snap);
  setMuted = (callId: string, muted: boolean) => this.run('setMuted', [callId, muted], this.snap);
  setHeld = (callId: string, held: boolean) => this.run('setHeld', [callId, held], this.snap);
  replyMedia = (reply: Parameters<DesktopApi['replyMedia']>[0]) =>
    this.run('replyMedia', [reply], () => Promise.resolve(ok(null)));
  reportMicrophone = (health: Parameters<DesktopApi['reportMicrophone']>[0]) =>
    this.run('reportMicrophone', [health], () => Promise.resolve(ok(null)));
  reportOutput = (connected: boolean) =>
    this.run('reportOutput', [connected], () => Promise.resolve(ok(null)));
  reportWindowError = (report: Parameters<DesktopApi['reportWindowError']>[0]) =>
    this.run('reportWindowError', [report], () => Promise.resolve(ok(null)));
  exportDiagnostics = () =>
    this.run('exportDiagnostics', [], () =>
      Promise.resolve(ok({ saved: true, path: '/tmp/diagnostics.zip' })),
    );
  reportCallQuality = (report: Parameters<DesktopApi['reportCallQuality']>[0]) =>
    this.run('reportCallQuality', [report], () => Promise.resolve(ok(null)));

  onSnapshot = (listener: (s: SessionPush) => void) => {
    this.calls.push({ method: 'onSnapshot', args: [] });
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  };
  onCallRinging = (listener: (call: CallInfo) => void) => {
    this.ringingListeners.add(listener);
    return () => this.ringingListeners.delete(listener);
  };
  onSettings = (listener: (s: SettingsView) => void) => {
    this.calls.push({ method: 'onSettings', args: [] });
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  };
  onMediaRequest = () => () => undefined;

  // The agent's day: history pages over `history`, today's figures, wrap-up and guard status.
  history: HistoryCall[] = [];
  today: TodayFigures = {
    since: 0,
    answered: 0,
    missed: 0,
    talkMs: 0,
    averageTalkMs: 0,
    stateMs: {},
  };
  day: AgentDayStatus = { wrapUp: null, noAnswer: null };
  private dayListeners = new Set<(s: AgentDayStatus) => void>();
  private historyListeners = new Set<(c: { size: number }) => void>();
  pushDay(status: AgentDayStatus): void {
    this.day = status;
    for (const l of this.dayListeners) l(status);
  }
  pushHistoryChanged(): void {
    for (const l of this.historyListeners) l({ size: this.history.length });
  }
  getHistoryPage = (query: Parameters<DesktopApi['getHistoryPage']>[0]) =>
    this.run('getHistoryPage', [query], () => {
      const search = query.search?.trim();
      const rows = this.history.filter(
        (r) =>
          (!query.outcome || r.outcome === query.outcome) &&
          (query.from === undefined || r.at >= query.from) &&
          (query.to === undefined || r.at < query.to) &&
          (!search || r.number.includes(search)),
      );
      const start = (query.pageNo - 1) * query.pageSize;
      const page: HistoryPage = {
        rows: rows.slice(start, start + query.pageSize),
        total: rows.length,
        pageNo: query.pageNo,
        pageSize: query.pageSize,
        damage: null,
      };
      return Promise.resolve(ok(page));
    });
  getTodayFigures = () => this.run('getTodayFigures', [], () => Promise.resolve(ok(this.today)));
  openCustomerRecord = (callId: string) =>
    this.run('openCustomerRecord', [callId], () => Promise.resolve(ok(null)));
  getDayStatus = () => this.run('getDayStatus', [], () => Promise.resolve(ok(this.day)));
  wrapUpReadyNow = () =>
    this.run('wrapUpReadyNow', [], () => {
      this.pushDay({ ...this.day, wrapUp: null });
      return Promise.resolve(ok(this.day));
    });
  wrapUpExtend = () =>
    this.run('wrapUpExtend', [], () => {
      const w = this.day.wrapUp;
      if (w) this.pushDay({ ...this.day, wrapUp: { ...w, endsAt: w.endsAt + 30_000 } });
      return Promise.resolve(ok(this.day));
    });
  onDayChanged = (listener: (s: AgentDayStatus) => void) => {
    this.dayListeners.add(listener);
    return () => this.dayListeners.delete(listener);
  };
  onHistoryChanged = (listener: (c: { size: number }) => void) => {
    this.historyListeners.add(listener);
    return () => this.historyListeners.delete(listener);
  };
}
