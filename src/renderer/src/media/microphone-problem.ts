/**
 * Why a microphone cannot be used, as the agent is told it: one kind per cause the engine
 * names (getUserMedia's DOMException), each with one sentence in every language
 * (`call.microphoneProblem.<kind>`) and one readiness wording
 * (`readiness.problem.microphone.<kind>`).
 * The kind also travels with the window's media error to main and back (a failed answer's
 * detail), tagged at its start.
 */
export type MicrophoneProblem = 'denied' | 'busy' | 'none' | 'other';

const BY_NAME: Record<string, MicrophoneProblem> = {
  NotAllowedError: 'denied',
  SecurityError: 'denied',
  PermissionDeniedError: 'denied',
  NotReadableError: 'busy',
  AbortError: 'busy',
  TrackStartError: 'busy',
  NotFoundError: 'none',
  OverconstrainedError: 'none',
  DevicesNotFoundError: 'none',
};

/** The kind of a getUserMedia failure. */
export function microphoneProblem(error: unknown): MicrophoneProblem {
  const name =
    error instanceof Error || error instanceof DOMException ? error.name : String(error ?? '');
  return BY_NAME[name] ?? 'other';
}

const TAG = /\bmicrophone-(denied|busy|none|other)\b/;

/** The media error sent to main for a microphone failure: the kind first, then the engine's words. */
export function taggedMicrophoneError(kind: MicrophoneProblem, detail: string): string {
  return `microphone-${kind}: ${detail}`;
}

/** The kind a media error text carries, if it is a microphone failure. */
export function problemInError(text: string | undefined): MicrophoneProblem | null {
  const match = text ? TAG.exec(text) : null;
  return match ? (match[1] as MicrophoneProblem) : null;
}
