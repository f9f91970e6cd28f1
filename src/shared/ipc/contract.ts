/**
 * The one IPC contract between the window and the main process. Each command names its channel
 * (`area:verb`) and the schema its payload must pass; main validates every payload against it
 * before anything reaches the core. Events flow main → window only.
 * Both adapters use this file: Electron (ipcMain/preload) and the browser host (WebSocket).
 */
import { z } from 'zod';
import { SkillInputSchema, SkillOpSchema } from '../platform/dto';
import { MAX_PAGE_SIZE } from '../platform/dto';
import { MAX_SKILL_OPS } from '../domain/agent';
import { SettingsPatchSchema } from '../settings';
import type { AdminOnlySetting } from '../settings-model';
import { CallQualityReportSchema } from '../audio/quality-schema';
import { HistoryQuerySchema } from '../history';
import type { HistoryPage, TodayFigures } from '../history';
import type { AppError } from '../domain/errors';
import type { Agent, ExtensionSummary, Page } from '../platform/dto';
import type { AgentDayStatus, CallInfo, SessionSnapshot } from '../snapshot';
import type { SettingsView } from '../settings';

const Empty = z.object({}).strict();
const PageInput = z
  .object({
    pageNo: z.number().int().min(1).max(1_000_000),
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE),
  })
  .strict();

export const SignInInputSchema = z
  .object({
    name: z.string().max(64),
    num: z.string().max(32).optional(),
    extension: z.string().max(128),
    initialState: z.string().max(300).optional(),
    skills: z.array(SkillInputSchema).max(200).optional(),
    /** Gateway mode: the agent's own password (used once in main, never stored or echoed). */
    password: z.string().max(1024).optional(),
  })
  .strict();

/** What the window's settings patch leaves out (ADMIN_ONLY_SETTINGS, one key each). */
const ADMIN_ONLY = { updateUrl: true, platformTimeZone: true } as const satisfies Record<
  AdminOnlySetting,
  true
>;

/** Every command: channel → payload schema. Results are typed in {@link CommandResults}. */
export const COMMANDS = {
  /** The current snapshot (used after subscribing, and after a reconnect). */
  'session:snapshot': Empty,
  /** Sign in with a profile; remembers it as the last profile. */
  'session:sign-in': SignInInputSchema,
  /** Gateway mode: sign in to the gateway again after the token lapsed; the session carries on. */
  'session:reauthenticate': z.object({ password: z.string().min(1).max(1024) }).strict(),
  /** Sign out; `force` hangs up a call first (only after the agent confirmed). */
  'session:sign-out': z.object({ force: z.boolean() }).strict(),
  /** Dismiss a pending question (e.g. "force sign-out?") without acting. */
  'session:dismiss-question': Empty,
  /** Clear the missed-calls list (History keeps every call). */
  'session:clear-missed': Empty,
  /** Read the agent back from the platform now. */
  'session:refresh': Empty,
  /** Change state to idle, busy[/reason] or away[/reason]. */
  'agent:set-state': z.object({ state: z.string().max(300) }).strict(),
  /** Apply one ordered list of skills operations. */
  'agent:edit-skills': z
    .object({ opts: z.array(SkillOpSchema).min(1).max(MAX_SKILL_OPS) })
    .strict(),
  /** Bind another extension. */
  'agent:set-extension': z.object({ id: z.string().min(1).max(128) }).strict(),
  /** One page of the team (agents) list. */
  'team:list': PageInput,
  /** One page of the platform's extensions (never with passwords). */
  'extensions:list': PageInput,
  /** Settings as the window may see them (secrets only as set/unset). */
  'settings:get': Empty,
  /** Change settings; secrets are write-only; the administrator's own settings are not the window's. */
  'settings:update': SettingsPatchSchema.omit(ADMIN_ONLY).strict(),
  /** Answer the ringing call. */
  'call:answer': z.object({ callId: z.string().min(1).max(128) }).strict(),
  /** Reject the ringing call. */
  'call:reject': z.object({ callId: z.string().min(1).max(128) }).strict(),
  /** Hang up the current call. */
  'call:hangup': z.object({ callId: z.string().min(1).max(128) }).strict(),
  /** Mute or unmute the microphone in the current call. */
  'call:mute': z.object({ callId: z.string().min(1).max(128), muted: z.boolean() }).strict(),
  /** Put the current call on hold (re-INVITE sendonly) or resume it (sendrecv). */
  'call:hold': z.object({ callId: z.string().min(1).max(128), held: z.boolean() }).strict(),
  /** The window's answer to a media request (SDP from its RTCPeerConnection). */
  'media:reply': z
    .object({
      requestId: z.string().min(1).max(128),
      sdp: z.string().max(64_000).optional(),
      error: z.string().max(1000).optional(),
    })
    .strict(),
  /** The window reports what it knows about the microphone (for the readiness light). */
  'media:microphone': z.object({ health: z.enum(['ok', 'broken', 'unknown']) }).strict(),
  /** The window's device list names an audio output (speaker or headset), or none at all. */
  'media:output': z.object({ connected: z.boolean() }).strict(),
  /** An error or unhandled rejection in the window, for the app's log file. */
  'log:window-error': z
    .object({
      kind: z.enum(['error', 'unhandledrejection']),
      message: z.string().max(4000),
      stack: z.string().max(16_000).optional(),
      source: z.string().max(2000).optional(),
    })
    .strict(),
  /** Save a diagnostics bundle (zip): main says what it holds and asks where to save it. */
  'diagnostics:export': Empty,
  /** The window's call-quality figures: the call's worst so far (and at its end), no audio. */
  'call:quality': CallQualityReportSchema,
  /** One page of the call history (filtered and paged in main). */
  'history:page': HistoryQuerySchema,
  /** Today's figures since local midnight. */
  'history:today': Empty,
  /** Opens the customer record (screen-pop URL) for the current call in the default browser. */
  'call:open-record': z.object({ callId: z.string().min(1).max(128) }).strict(),
  /** Wrap-up and the no-answer guard as they stand. */
  'day:status': Empty,
  /** Ends wrap-up now and returns to the state chosen before the call. */
  'wrap-up:ready-now': Empty,
  /** Adds 30 s to the wrap-up. */
  'wrap-up:extend': Empty,
} as const;

export type Channel = keyof typeof COMMANDS;
export type CommandInput<C extends Channel> = z.infer<(typeof COMMANDS)[C]>;

export interface CommandResults {
  'session:snapshot': SessionSnapshot;
  'session:sign-in': SessionSnapshot;
  'session:reauthenticate': SessionSnapshot;
  'session:sign-out': SessionSnapshot;
  'session:dismiss-question': SessionSnapshot;
  'session:clear-missed': SessionSnapshot;
  'session:refresh': SessionSnapshot;
  'agent:set-state': SessionSnapshot;
  'agent:edit-skills': SessionSnapshot;
  'agent:set-extension': SessionSnapshot;
  'team:list': Page<Agent>;
  'extensions:list': Page<ExtensionSummary>;
  'settings:get': SettingsView;
  'settings:update': SettingsView;
  'call:answer': SessionSnapshot;
  'call:reject': SessionSnapshot;
  'call:hangup': SessionSnapshot;
  'call:mute': SessionSnapshot;
  'call:hold': SessionSnapshot;
  'media:reply': null;
  'media:microphone': null;
  'media:output': null;
  'call:quality': null;
  'log:window-error': null;
  'diagnostics:export': DiagnosticsExport;
  'history:page': HistoryPage;
  'history:today': TodayFigures;
  'call:open-record': null;
  'day:status': AgentDayStatus;
  'wrap-up:ready-now': AgentDayStatus;
  'wrap-up:extend': AgentDayStatus;
}

/** The outcome of an export: saved to `path`, or the agent cancelled. */
export interface DiagnosticsExport {
  saved: boolean;
  path: string | null;
}

/** Every command answers with a result: a value, or a typed error. Nothing throws across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** A request main makes of the window's media stack (WebRTC lives in the renderer). */
export interface MediaRequest {
  requestId: string;
  callId: string;
  /**
   * `answer-offer`: apply the remote offer and return an answer; `close`: tear the call's media
   * down; `make-offer`: a new local offer on the call's connection (`hold`: sendonly, else
   * sendrecv) returned as `sdp`; `apply-answer`: apply the far end's answer to it;
   * `rollback-offer`: the far end refused it, go back to what was last agreed.
   */
  kind: 'answer-offer' | 'close' | 'make-offer' | 'apply-answer' | 'rollback-offer';
  sdp?: string;
  hold?: boolean;
}

/** Events main pushes to the window. */
export interface EventPayloads {
  'session:changed': SessionSnapshot;
  /**
   * A new call rings: sent just ahead of the `session:changed` that carries it (a few hundred
   * bytes instead of the whole snapshot), so the window can draw the call strip first. A window
   * that ignores it loses nothing: the snapshot follows at once.
   */
  'call:ringing': CallInfo;
  'settings:changed': SettingsView;
  'media:request': MediaRequest;
  /** The call history changed (a call ended or was settled): re-query the page and figures. */
  'history:changed': { size: number };
  /** Wrap-up started, moved or ended; the no-answer guard tripped or was cleared. */
  'day:changed': AgentDayStatus;
}
export type EventChannel = keyof EventPayloads;
export const EVENT_CHANNELS: readonly EventChannel[] = [
  'session:changed',
  'settings:changed',
  'media:request',
  'history:changed',
  'day:changed',
  'call:ringing',
];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, value);
}
