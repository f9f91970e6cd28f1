/**
 * The diagnostics bundle: one zip an agent can send to IT. Host-agnostic (fflate, plain files),
 * so it is built and unpacked for real in tests. Every text in it passes the one redaction
 * (shared/redact) with the secrets this process knows, on top of the redaction at the source.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { redactText, redactValue } from '../../../shared/redact';
import type { AgentDayStatus, MissedOffer, SessionSnapshot } from '../../../shared/snapshot';
import type { SettingsView } from '../../../shared/settings';
import type { SipMessageEntry } from '../../../lib/sip-ws/sip-log';
import type { ReadinessChange, StateChange } from './recorder';

/** The files in a bundle, in the order the export dialog lists them. */
export const BUNDLE_FILES = [
  'README.txt',
  'versions.json',
  'status.json',
  'settings.json',
  'state-changes.json',
  'sip-messages.txt',
  'readiness.json',
  'missed-offers.json',
  'logs/',
] as const;

export interface BundleInput {
  /** App, Electron, Chromium, Node and OS versions (whatever the host knows). */
  versions: Record<string, string>;
  /** What the app showed at the export ({@link statusForDiagnostics}). */
  status: Record<string, unknown>;
  settings: SettingsView;
  stateChanges: StateChange[];
  sipMessages: SipMessageEntry[];
  readiness: ReadinessChange[];
  missed: MissedOffer[];
  /** Log files to include, newest first. */
  logFiles: string[];
  /** Secret values to scrub wherever they appear. */
  secrets: string[];
  createdAt: Date;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null | undefined) => (ms == null ? null : iso(ms));
const errorOf = (error: { code: string; message: string } | null | undefined) =>
  error ? { code: error.code, message: error.message } : null;

/**
 * What the window and the tray showed when the bundle was made: session, state, holds, links,
 * the call's phase and the agent's day. No caller (missed-offers.json is where numbers are) and
 * no reasons list: what IT asks first is "what did the app think at that moment".
 */
export function statusForDiagnostics(
  snapshot: SessionSnapshot,
  day: AgentDayStatus,
): Record<string, unknown> {
  const { platform, sip, call } = snapshot;
  return {
    phase: snapshot.phase,
    access: snapshot.access ?? { mode: platform.demo ? 'demo' : 'direct', signInNeeded: false },
    agent: snapshot.profile?.name ?? null,
    extension: snapshot.profile?.extension ?? null,
    state: snapshot.state,
    stateSince: isoOrNull(snapshot.stateSince),
    chosenState: snapshot.chosenState,
    pendingState: snapshot.pendingState,
    signOutPending: snapshot.signOutPending ?? false,
    hold: snapshot.hold ? { reason: snapshot.hold.reason, since: iso(snapshot.hold.since) } : null,
    question: snapshot.question?.kind ?? null,
    takeover: snapshot.takeover
      ? { clue: snapshot.takeover.clue, since: iso(snapshot.takeover.since) }
      : null,
    stateSetElsewhere: snapshot.stateSetElsewhere
      ? { state: snapshot.stateSetElsewhere.state, at: iso(snapshot.stateSetElsewhere.at) }
      : null,
    lastError: errorOf(snapshot.lastError),
    lastKeepaliveAckAt: isoOrNull(snapshot.lastKeepaliveAckAt),
    platform: {
      health: platform.health,
      lastAckAt: isoOrNull(platform.lastAckAt),
      lastError: errorOf(platform.lastError),
      nextRetryAt: isoOrNull(platform.nextRetryAt),
    },
    sip: {
      state: sip.state,
      since: iso(sip.since),
      aor: sip.aor,
      lastError: errorOf(sip.lastError),
      nextRetryAt: isoOrNull(sip.nextRetryAt),
    },
    microphone: snapshot.microphone,
    call: call
      ? {
          id: call.id,
          phase: call.phase,
          ringingSince: iso(call.ringingSince),
          talkingSince: isoOrNull(call.talkingSince),
          muted: call.muted,
          held: call.held ?? false,
        }
      : null,
    droppedCall: snapshot.droppedCall
      ? { id: snapshot.droppedCall.id, at: iso(snapshot.droppedCall.at) }
      : null,
    missedCalls: snapshot.missed.length,
    wrapUp: day.wrapUp
      ? {
          ...day.wrapUp,
          since: iso(day.wrapUp.since),
          endsAt: iso(day.wrapUp.endsAt),
        }
      : null,
    noAnswer: day.noAnswer ? { ...day.noAnswer, at: iso(day.noAnswer.at) } : null,
  };
}

/** Builds the zip's bytes. */
export function buildDiagnosticsBundle(input: BundleInput): Uint8Array {
  const known = input.secrets;
  const json = (value: unknown) =>
    strToU8(`${JSON.stringify(redactValue(value, known), null, 2)}\n`);
  const text = (value: string) => strToU8(redactText(value, known));
  const files: Record<string, Uint8Array> = {
    'README.txt': text(readme(input)),
    'versions.json': json(input.versions),
    'status.json': json(input.status),
    'settings.json': json(input.settings),
    'state-changes.json': json(input.stateChanges.map((c) => ({ ...c, at: iso(c.at) }))),
    'sip-messages.txt': text(
      input.sipMessages
        .map((m) => `----- ${iso(m.at)} ${m.direction}\n${m.text.replace(/\r\n/g, '\n')}`)
        .join('\n'),
    ),
    'readiness.json': json(input.readiness.map((r) => ({ ...r, at: iso(r.at) }))),
    'missed-offers.json': json(input.missed.map((m) => ({ ...m, at: iso(m.at) }))),
  };
  for (const file of input.logFiles) {
    try {
      files[`logs/${basename(file)}`] = text(readFileSync(file, 'utf8'));
    } catch (error) {
      files[`logs/${basename(file)}.unreadable.txt`] = text(String(error));
    }
  }
  return zipSync(files, { level: 6 });
}

function readme(input: BundleInput): string {
  return [
    'Agent desktop diagnostics',
    `created ${input.createdAt.toISOString()}`,
    '',
    'versions.json       app, Electron, Chromium, Node and OS versions',
    'status.json         what the app showed at the export: session, state, holds, links, call',
    'settings.json       settings in force (secrets removed; which ones are set is shown)',
    'state-changes.json  the last 200 agent state changes, each with its cause',
    'sip-messages.txt    the last 200 SIP messages (credentials redacted)',
    'readiness.json      readiness history: session, platform, SIP, microphone',
    'missed-offers.json  calls that rang and were not answered',
    'logs/               the app log files (secrets redacted)',
    '',
  ].join('\n');
}
