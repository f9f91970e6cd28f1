/** The one check of a call request, shared by `queueCall` and POST /emulator/calls. */
import { z } from 'zod';
import { checkSettableState } from '../../shared/domain/state';
import type { CallRequest, CustomerBehaviour } from './call-record';

export const DEFAULT_RING_TIMEOUT_SEC = 45;

const seconds = (max: number) => z.number().positive().max(max);

const CustomerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hang-up-after'), talkSec: seconds(86_400) }),
  z.strictObject({ kind: z.literal('wait-for-agent') }),
  z.strictObject({ kind: z.literal('give-up-ringing'), afterSec: seconds(3600) }),
]);

const CallRequestSchema = z.strictObject({
  skill: z.string().trim().min(1, 'must not be blank').max(64),
  ringTimeoutSec: seconds(3600).optional(),
  reserveState: z
    .string()
    .refine((state) => checkSettableState(state) === null, {
      message: 'must be idle, busy[/reason] or away[/reason]',
    })
    .optional(),
  customer: CustomerSchema.optional(),
  // It becomes the SIP user of From, so only characters that need no escaping there.
  caller: z
    .string()
    .regex(/^[A-Za-z0-9_.+-]{1,32}$/, 'must be 1–32 of A-Z a-z 0-9 _ . + -')
    .optional(),
});

/** A request with every default applied except the caller (generated per call). */
export interface CheckedCallRequest {
  skill: string;
  ringTimeoutSec: number;
  reserveState: string;
  customer: CustomerBehaviour;
  caller: string | null;
}

/** Checks untrusted input; the error names each bad field. */
export function checkCallRequest(
  input: unknown,
): { ok: true; value: CheckedCallRequest } | { ok: false; error: string } {
  const parsed = CallRequestSchema.safeParse(input);
  if (!parsed.success) {
    const error = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    return { ok: false, error };
  }
  const request: CallRequest = parsed.data;
  return {
    ok: true,
    value: {
      skill: parsed.data.skill,
      ringTimeoutSec: request.ringTimeoutSec ?? DEFAULT_RING_TIMEOUT_SEC,
      reserveState: request.reserveState ?? 'idle',
      customer: request.customer ?? { kind: 'wait-for-agent' },
      caller: request.caller ?? null,
    },
  };
}
