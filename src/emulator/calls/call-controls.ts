/**
 * The call center's emulator controls, under `/emulator/calls` (unsigned JSON, like the rest of
 * /emulator/ — for tests and demos; the real platform queues calls from its own IVR):
 *
 *   POST /emulator/calls {skill, ringTimeoutSec?, reserveState?, customer?, caller?}
 *        Queues a customer call for `skill` and offers it at once if an agent qualifies.
 *        ringTimeoutSec (default 45) · reserveState: idle | busy[/x] | away[/x] (default idle) ·
 *        customer: {kind:"wait-for-agent"} (default) | {kind:"hang-up-after", talkSec} |
 *        {kind:"give-up-ringing", afterSec} · caller: shown to the agent (1–32 of A-Za-z0-9_.+-).
 *        Bad input → 400 {ok:false, error} naming each bad field. → 200 {ok:true, id}
 *   GET  /emulator/calls
 *        → 200 {calls: CallRecord[]} oldest first (see call-record.ts).
 *   GET  /emulator/calls/{id}
 *        → 200 CallRecord; unknown id → 404.
 *   POST /emulator/calls/{id}/hangup
 *        The customer hangs up now: leaves the queue or CANCELs (caller-gave-up), or BYEs a
 *        talk (customer-hung-up). Unknown → 404; already ended (or ending) → 409.
 */
import type { ServerResponse } from 'node:http';
import { decodeSegment, sendJson, sendText } from '../http-io';
import type { CallCenter } from './call-center';
import { checkCallRequest } from './call-request';

/** Answers one request under /emulator/calls; `segments` are the path parts after `calls`. */
export function handleCallControl(
  calls: CallCenter,
  method: string,
  segments: readonly string[],
  body: string,
  res: ServerResponse,
): void {
  const only = (allowed: string, run: () => void) => {
    if (method !== allowed) sendText(res, 405, 'method not allowed', { Allow: allowed });
    else run();
  };
  const [id, action, ...rest] = segments;

  if (id === undefined || (id === '' && segments.length === 1)) {
    if (method === 'GET') return sendJson(res, 200, { calls: calls.calls() });
    return only('POST', () => queue(calls, body, res));
  }
  const callId = decodeSegment(id);
  if (action === undefined) {
    return only('GET', () => {
      const record = calls.call(callId);
      if (!record) return sendJson(res, 404, { ok: false, error: `unknown call ${callId}` });
      sendJson(res, 200, record);
    });
  }
  if (action === 'hangup' && rest.length === 0) {
    return only('POST', () => {
      const result = calls.customerHangUp(callId);
      if (result === 'unknown')
        return sendJson(res, 404, { ok: false, error: `unknown call ${callId}` });
      if (result === 'ended') return sendJson(res, 409, { ok: false, error: 'call already ended' });
      sendJson(res, 200, { ok: true });
    });
  }
  sendText(res, 404, `no emulator control at /emulator/calls/${segments.join('/')}`);
}

function queue(calls: CallCenter, body: string, res: ServerResponse): void {
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch {
    return sendJson(res, 400, { ok: false, error: 'body is not JSON' });
  }
  const checked = checkCallRequest(value);
  if (!checked.ok) return sendJson(res, 400, { ok: false, error: checked.error });
  const id = calls.queueCall({ ...checked.value, caller: checked.value.caller ?? undefined });
  sendJson(res, 200, { ok: true, id });
}
