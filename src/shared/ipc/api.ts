/**
 * The API the window sees as `window.agentDesktop`: named functions only. The preload builds it
 * over ipcRenderer, the browser host's page script over a WebSocket; neither exposes a generic
 * `invoke(channel)` to page code.
 */
import type { Channel, CommandInput, CommandResults, EventPayloads, Result } from './contract';
import type { SessionPush, WirePayloads } from './session-push';

export type Invoke = <C extends Channel>(
  channel: C,
  input: CommandInput<C>,
) => Promise<Result<CommandResults[C]>>;
/** The transport's subscribe: what main sent, as it came (see session-push.ts). */
export type Subscribe = <E extends keyof WirePayloads>(
  channel: E,
  listener: (payload: WirePayloads[E]) => void,
) => () => void;

type R<C extends Channel> = Promise<Result<CommandResults[C]>>;

export interface DesktopApi {
  getSnapshot(): R<'session:snapshot'>;
  signIn(profile: CommandInput<'session:sign-in'>): R<'session:sign-in'>;
  signOut(force: boolean): R<'session:sign-out'>;
  reauthenticate(password: string): R<'session:reauthenticate'>;
  dismissQuestion(): R<'session:dismiss-question'>;
  clearMissed(): R<'session:clear-missed'>;
  refresh(): R<'session:refresh'>;
  setState(state: string): R<'agent:set-state'>;
  editSkills(opts: CommandInput<'agent:edit-skills'>['opts']): R<'agent:edit-skills'>;
  setExtension(id: string): R<'agent:set-extension'>;
  listTeam(pageNo: number, pageSize: number): R<'team:list'>;
  listExtensions(pageNo: number, pageSize: number): R<'extensions:list'>;
  getSettings(): R<'settings:get'>;
  updateSettings(patch: CommandInput<'settings:update'>): R<'settings:update'>;
  answerCall(callId: string): R<'call:answer'>;
  rejectCall(callId: string): R<'call:reject'>;
  hangUp(callId: string): R<'call:hangup'>;
  setMuted(callId: string, muted: boolean): R<'call:mute'>;
  setHeld(callId: string, held: boolean): R<'call:hold'>;
  replyMedia(reply: CommandInput<'media:reply'>): R<'media:reply'>;
  reportMicrophone(health: CommandInput<'media:microphone'>['health']): R<'media:microphone'>;
  /** Whether the device list names any audio output: the tray warns when it names none. */
  reportOutput(connected: boolean): R<'media:output'>;
  reportWindowError(report: CommandInput<'log:window-error'>): R<'log:window-error'>;
  exportDiagnostics(): R<'diagnostics:export'>;
  reportCallQuality(report: CommandInput<'call:quality'>): R<'call:quality'>;
  getHistoryPage(query: CommandInput<'history:page'>): R<'history:page'>;
  getTodayFigures(): R<'history:today'>;
  openCustomerRecord(callId: string): R<'call:open-record'>;
  getDayStatus(): R<'day:status'>;
  wrapUpReadyNow(): R<'wrap-up:ready-now'>;
  wrapUpExtend(): R<'wrap-up:extend'>;
  onDayChanged(listener: (status: EventPayloads['day:changed']) => void): () => void;
  onHistoryChanged(listener: (change: EventPayloads['history:changed']) => void): () => void;
  /**
   * Main's snapshots as pushed: without the missed list when the window holds it already; the
   * session store makes them whole (session-push.ts).
   */
  onSnapshot(listener: (push: SessionPush) => void): () => void;
  /** A new ringing call, ahead of the snapshot that carries it. */
  onCallRinging(listener: (call: EventPayloads['call:ringing']) => void): () => void;
  onSettings(listener: (view: EventPayloads['settings:changed']) => void): () => void;
  onMediaRequest(listener: (request: EventPayloads['media:request']) => void): () => void;
}

/** Builds the named-function API over a transport's invoke/subscribe. */
export function buildDesktopApi(invoke: Invoke, subscribe: Subscribe): DesktopApi {
  return {
    getSnapshot: () => invoke('session:snapshot', {}),
    signIn: (profile) => invoke('session:sign-in', profile),
    signOut: (force) => invoke('session:sign-out', { force }),
    reauthenticate: (password) => invoke('session:reauthenticate', { password }),
    dismissQuestion: () => invoke('session:dismiss-question', {}),
    clearMissed: () => invoke('session:clear-missed', {}),
    refresh: () => invoke('session:refresh', {}),
    setState: (state) => invoke('agent:set-state', { state }),
    editSkills: (opts) => invoke('agent:edit-skills', { opts }),
    setExtension: (id) => invoke('agent:set-extension', { id }),
    listTeam: (pageNo, pageSize) => invoke('team:list', { pageNo, pageSize }),
    listExtensions: (pageNo, pageSize) => invoke('extensions:list', { pageNo, pageSize }),
    getSettings: () => invoke('settings:get', {}),
    updateSettings: (patch) => invoke('settings:update', patch),
    answerCall: (callId) => invoke('call:answer', { callId }),
    rejectCall: (callId) => invoke('call:reject', { callId }),
    hangUp: (callId) => invoke('call:hangup', { callId }),
    setMuted: (callId, muted) => invoke('call:mute', { callId, muted }),
    setHeld: (callId, held) => invoke('call:hold', { callId, held }),
    replyMedia: (reply) => invoke('media:reply', reply),
    reportMicrophone: (health) => invoke('media:microphone', { health }),
    reportOutput: (connected) => invoke('media:output', { connected }),
    reportWindowError: (report) => invoke('log:window-error', report),
    exportDiagnostics: () => invoke('diagnostics:export', {}),
    reportCallQuality: (report) => invoke('call:quality', report),
    getHistoryPage: (query) => invoke('history:page', query),
    getTodayFigures: () => invoke('history:today', {}),
    openCustomerRecord: (callId) => invoke('call:open-record', { callId }),
    getDayStatus: () => invoke('day:status', {}),
    wrapUpReadyNow: () => invoke('wrap-up:ready-now', {}),
    wrapUpExtend: () => invoke('wrap-up:extend', {}),
    onDayChanged: (listener) => subscribe('day:changed', listener),
    onHistoryChanged: (listener) => subscribe('history:changed', listener),
    onSnapshot: (listener) => subscribe('session:changed', listener),
    onCallRinging: (listener) => subscribe('call:ringing', listener),
    onSettings: (listener) => subscribe('settings:changed', listener),
    onMediaRequest: (listener) => subscribe('media:request', listener),
  };
}
