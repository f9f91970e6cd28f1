/**
 * Mirrors main's session snapshot. Subscribes first, then asks for the snapshot, so no change
 * can fall between the two; pushes and command results are applied in arrival order (main
 * emits every change before it answers the command that caused it, over one ordered channel).
 * No business rules here: everything derived comes from the shared model.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { isInCall, stateLock } from '../../../shared/availability';
import { readiness } from '../../../shared/snapshot';
import { call as callMain, desktopApi } from '../desktop';
import { useMicrophoneStore } from './microphone';
import { share, sharedComputed } from './share';
import { beforeNextPaint } from '../after-paint';
import { createSessionPushDecoder } from '../../../shared/ipc/session-push';
import { useCallAudioStore } from './call-audio';
import type { DesktopApi } from '../../../shared/ipc/api';
import type { Result } from '../../../shared/ipc/contract';
import type { CallInfo, SessionSnapshot, SignInProfile } from '../../../shared/snapshot';
import type { SkillOp } from '../../../shared/domain/agent';

export const useSessionStore = defineStore('session', () => {
  // The snapshot is immutable and replaced whole: no deep reactivity needed.
  const snapshot = shallowRef<SessionSnapshot | null>(null);
  /**
   * The call, as main sent it. It runs ahead of `snapshot` for one frame only: when a new call
   * rings, the call strip is drawn in the task that brought it, and the rest of the window
   * (state, controls, readiness) follows just before that frame is painted — the agent sees
   * both in the same frame, and the panel does not wait for everything else to re-render.
   */
  const call = shallowRef<CallInfo | null>(null);
  const bridgeMissing = shallowRef(false);
  let unsubscribe: (() => void) | null = null;
  /** The snapshot waiting for the frame in which a new ringing call is first painted. */
  let ahead: SessionSnapshot | null = null;
  /** A ringing call drawn from main's note (`call:ringing`) whose snapshot has not come yet. */
  let announced: string | null = null;
  let catchUpPending = false;

  function catchUpBeforePaint(): void {
    if (catchUpPending) return;
    catchUpPending = true;
    beforeNextPaint(catchUp);
  }

  // Pushes leave out a missed list this window holds: made whole here, where the list is.
  const pushes = createSessionPushDecoder(() => callMain((api) => api.getSnapshot()), apply);

  function apply(next: SessionSnapshot): void {
    pushes.keep(next);
    // Unchanged parts keep their identity: only what changed re-renders (a push with no news
    // re-renders nothing).
    const last = ahead ?? snapshot.value;
    const shared = last ? share(last, next) : next;
    const ringing = shared.call?.phase === 'ringing' ? shared.call : null;
    // The snapshot of a call drawn from its note still counts as the ring's: it waits as well.
    const rings = !!ringing && (ringing.id !== call.value?.id || ringing.id === announced);
    announced = null;
    // A call drawn from its note stays as it is when its snapshot's copy says the same.
    const nextCall = share(call.value, shared.call);
    if (nextCall !== call.value) call.value = nextCall;
    if (rings && snapshot.value) {
      catchUpBeforePaint();
      ahead = shared;
      return;
    }
    ahead = null;
    if (shared !== snapshot.value) snapshot.value = shared;
  }

  /**
   * Main's note of a new ringing call, just ahead of the snapshot that carries it: the call
   * strip is drawn from it at once; the snapshot follows and is applied before that frame is
   * painted, as for a ring that comes with its snapshot.
   */
  function ring(info: CallInfo): void {
    if (info.phase !== 'ringing' || info.id === call.value?.id || !snapshot.value) return;
    call.value = info;
    announced = info.id;
    catchUpBeforePaint();
  }

  function catchUp(): void {
    catchUpPending = false;
    if (ahead && ahead !== snapshot.value) snapshot.value = ahead;
    ahead = null;
  }

  /** Subscribe, then snapshot. Safe to call twice. */
  async function start(): Promise<void> {
    if (unsubscribe) return;
    const api = desktopApi();
    if (!api) {
      bridgeMissing.value = true;
      return;
    }
    const offSnapshot = api.onSnapshot(pushes.push);
    const offRinging = api.onCallRinging(ring);
    unsubscribe = () => {
      offSnapshot();
      offRinging();
    };
    await resync();
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  /** Asks main for the whole snapshot again (after the window was hidden, or on request). */
  async function resync(): Promise<Result<SessionSnapshot>> {
    return command((api) => api.getSnapshot());
  }

  /** Runs a command whose answer is a snapshot, and applies it. Never throws. */
  async function command(
    run: (api: DesktopApi) => Promise<Result<SessionSnapshot>>,
  ): Promise<Result<SessionSnapshot>> {
    const result = await callMain(run);
    if (result.ok) apply(result.value);
    return result;
  }

  const phase = computed(() => snapshot.value?.phase ?? 'signed-out');
  const state = computed(() => snapshot.value?.state ?? null);
  const signedIn = computed(() => phase.value === 'signed-in');
  /** While ringing or talking (routed or not) the state choices are locked: the shared rule. */
  const inCall = computed(() => isInCall(snapshot.value));
  /** Why no state can be chosen now (null: it can): the shared rule the tray follows too. */
  const lock = computed(() => stateLock(snapshot.value));
  const microphone = useMicrophoneStore();
  const callAudio = useCallAudioStore();
  // Kept as the same object while nothing in it changed, so a push that leaves readiness as it
  // was re-renders nothing that shows it.
  const ready = sharedComputed(() =>
    snapshot.value ? readiness(snapshot.value, microphone.health, callAudio.noAudio) : null,
  );

  return {
    snapshot,
    call,
    bridgeMissing,
    phase,
    state,
    signedIn,
    inCall,
    lock,
    ready,
    start,
    stop,
    resync,
    apply,
    /** `password`: gateway mode only; passed through to main once, never kept here. */
    signIn: (profile: SignInProfile, password?: string) =>
      command((api) => api.signIn(password ? { ...profile, password } : profile)),
    reauthenticate: (password: string) => command((api) => api.reauthenticate(password)),
    signOut: (force: boolean) => command((api) => api.signOut(force)),
    dismissQuestion: () => command((api) => api.dismissQuestion()),
    clearMissed: () => command((api) => api.clearMissed()),
    refresh: () => command((api) => api.refresh()),
    setState: (next: string) => command((api) => api.setState(next)),
    editSkills: (opts: SkillOp[]) => command((api) => api.editSkills(opts)),
    setExtension: (id: string) => command((api) => api.setExtension(id)),
    answerCall: (callId: string) => command((api) => api.answerCall(callId)),
    rejectCall: (callId: string) => command((api) => api.rejectCall(callId)),
    hangUp: (callId: string) => command((api) => api.hangUp(callId)),
    setMuted: (callId: string, muted: boolean) => command((api) => api.setMuted(callId, muted)),
    setHeld: (callId: string, held: boolean) => command((api) => api.setHeld(callId, held)),
  };
});
