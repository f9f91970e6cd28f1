/**
 * The diagnostics bundle: one zip an agent can send to IT. Host-agnostic (fflate, plain files),
 * so it is built and unpacked for real in tests. Every text in it passes the one redaction
 * (shared/redact) with the secrets this process knows, on top of the redaction at the source.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { redactText, redactValue } from '../../../shared/redact';
import type { MissedOffer } from '../../../shared/snapshot';
import type { SettingsView } from '../../../shared/settings';
import type { SipMessageEntry } from '../../../lib/sip-ws/sip-log';
import type { ReadinessChange, StateChange } from './recorder';

/** The files in a bundle, in the order the export dialog lists them. */
export const BUNDLE_FILES = [
  'README.txt',
  'versions.json',
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

/** Builds the zip's bytes. */
export function buildDiagnosticsBundle(input: BundleInput): Uint8Array {
  const known = input.secrets;
  const json = (value: unknown) =>
    strToU8(`${JSON.stringify(redactValue(value, known), null, 2)}\n`);
  const text = (value: string) => strToU8(redactText(value, known));
  const files: Record<string, Uint8Array> = {
    'README.txt': text(readme(input)),
    'versions.json': json(input.versions),
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
    'settings.json       settings in force (secrets removed; which ones are set is shown)',
    'state-changes.json  the last 200 agent state changes, each with its cause',
    'sip-messages.txt    the last 200 SIP messages (credentials redacted)',
    'readiness.json      readiness history: session, platform, SIP, microphone',
    'missed-offers.json  calls that rang and were not answered',
    'logs/               the app log files (secrets redacted)',
    '',
  ].join('\n');
}
