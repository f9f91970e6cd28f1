/**
 * The audio check in Chromium with its fake devices (a fake microphone that beeps, the default
 * speaker): the level meter moves and the microphone is judged working, the test sound and the
 * ringtone play, and the echo test records 3 s and plays it back. With a microphone and speaker
 * chosen that are no longer there, the check runs on the system default and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../support/app-harness';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import type { App } from '../support/app-harness';

const skip = missingSystem('chromium');

describe.skipIf(skip)(skip ?? 'audio check (Chromium, fake devices)', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp();
    await app.page.getByRole('button', { name: '设置', exact: true }).click();
    await app.page.getByTestId('audio-check').waitFor();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  const verdict = (step: string) => app.page.locator(`[data-verdict=${step}]`);
  const click = (step: string) => app.page.locator(`[data-step=${step}]`).click();

  it('the microphone meter moves and the microphone is judged working', async () => {
    await click('mic');
    const levels: number[] = [];
    await waitFor(
      async () => {
        levels.push(Number(await app.page.getByTestId('mic-level').getAttribute('data-level')));
        return levels.some((l) => l > 0.01) && new Set(levels).size > 2;
      },
      'the meter moving',
      10_000,
    );
    await click('mic');
    await expect.poll(() => verdict('mic').textContent()).toContain('麦克风正常');
  });

  it('plays the test sound and the ringtone', async () => {
    await click('speaker');
    await expect
      .poll(() => verdict('speaker').textContent(), { timeout: 5_000 })
      .toContain('已在系统默认设备上播放测试音');
    await click('ringer');
    await expect
      .poll(() => verdict('ringer').textContent(), { timeout: 6_000 })
      .toContain('已在系统默认设备上播放铃声');
  });

  it('echo test: records 3 s, then plays it back', async () => {
    await click('echo');
    await app.page.getByTestId('echo-phase').filter({ hasText: '正在录音' }).waitFor();
    await app.page
      .getByTestId('echo-phase')
      .filter({ hasText: '正在回放' })
      .waitFor({ timeout: 6_000 });
    await expect
      .poll(() => verdict('echo').textContent(), { timeout: 10_000 })
      .toContain('已录音并在系统默认设备上回放');
  }, 30_000);

  it('names the fallback when the chosen devices are gone', async () => {
    const updated = await app.core.dispatch('settings:update', {
      microphoneDeviceId: 'unplugged-headset-mic',
      speakerDeviceId: 'unplugged-headset',
    });
    expect(updated.ok).toBe(true);
    await click('mic');
    await app.page.waitForTimeout(1500);
    await click('mic');
    await expect
      .poll(() => verdict('mic').textContent())
      .toMatch(/所选麦克风“unplugged-headset-mic”无法使用，已改用系统默认设备。.*麦克风正常/);
    await click('speaker');
    await expect
      .poll(() => verdict('speaker').textContent(), { timeout: 5_000 })
      .toContain('所选扬声器“unplugged-headset”无法使用');
  });
});
