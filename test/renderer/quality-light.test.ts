/**
 * The call-quality light's words as the agent reads them, in each language: the label and the
 * grade in one sentence, with the colon Chinese typography uses (全角 ：), as every other
 * "label：value" line in the window.
 */
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import QualityLight from '../../src/renderer/src/components/QualityLight.vue';
import { useCallStore } from '../../src/renderer/src/media/store';
import { mountApp } from './setup';
import { getByRole } from './queries';
import type { QualityReading } from '../../src/renderer/src/media/quality-monitor';
import type { Language } from '../../src/shared/domain/errors';

function reading(mos: number | null): QualityReading {
  const sample =
    mos === null ? null : { jitterMs: 2, lossPercent: 0, rttMs: 40, mos, packetsReceived: 50 };
  return {
    sample,
    silenceMs: 0,
    noAudio: false,
    worst: {
      minMos: mos ?? 4.4,
      maxJitterMs: 2,
      maxLossPercent: 0,
      maxRttMs: 40,
      longestSilenceMs: 0,
    },
  } as QualityReading;
}

async function lightSays(language: Language, mos: number | null): Promise<string> {
  await mountApp(undefined, { language, component: QualityLight });
  (useCallStore() as unknown as { quality: QualityReading | null }).quality = reading(mos);
  await nextTick();
  return getByRole('status').textContent!.trim();
}

describe('call-quality light', () => {
  it.each([
    ['zh-CN', null, '通话质量：测量中…'],
    ['zh-CN', 4.4, '通话质量：良好'],
    ['zh-CN', 1.5, '通话质量：差'],
    ['en', 4.4, 'Call quality: good'],
    ['en', 3.8, 'Call quality: fair'],
  ] as const)('in %s at MOS %s says "%s"', async (language, mos, said) => {
    expect(await lightSays(language, mos)).toBe(said);
  });
});
