/** The wire form of a call's quality figures (window → main), checked at the boundary. */
import { z } from 'zod';

const ms = z.number().min(0).max(86_400_000);

export const CallQualitySummarySchema = z
  .object({
    minMos: z.number().min(1).max(4.5),
    maxJitterMs: ms,
    maxLossPercent: z.number().min(0).max(100),
    maxRttMs: ms.nullable(),
    longestSilenceMs: ms,
    samples: z.number().int().min(0).max(1_000_000),
  })
  .strict();

export const CallQualityReportSchema = z
  .object({
    callId: z.string().min(1).max(128),
    worst: CallQualitySummarySchema,
    /** A connected call has received nothing for NO_AUDIO_MS (one-way audio). */
    noAudio: z.boolean(),
    /** True for the last report of the call (its media closed). */
    final: z.boolean(),
  })
  .strict();
export type CallQualityReport = z.infer<typeof CallQualityReportSchema>;
