/**
 * The shipped window runs under its strict CSP (the same policy Electron sends as a header, here
 * from the build's <meta>): signing in, changing state, opening every screen and switching
 * language raise no violation, and the policy forbids inline script and eval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { missingSystem } from '../support/system';
import { openWindow, signIn } from '../support/agent-window';
import type { WindowApp } from '../support/agent-window';

const skip = missingSystem('chromium');

describe.skipIf(skip)('the window under its Content-Security-Policy', () => {
  let app: WindowApp;
  const violations: string[] = [];

  beforeAll(async () => {
    app = await openWindow({ sip: true });
    app.page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    await app.page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
    await app.page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { __cspViolation(t: string): void }).__cspViolation(
          `${event.violatedDirective} ${event.blockedURI}`,
        ),
      );
    });
    await app.page.reload();
  });
  afterAll(async () => app?.close());

  it('carries the policy: no inline script, no eval', async () => {
    const policy = await app.page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-eval');
    // An inline script a page injection would add does not run.
    const inlineRan = await app.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.head.append(script);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);
    await expect.poll(() => violations.some((v) => v.startsWith('script-src'))).toBe(true);
    violations.length = 0; // the probe above is the one violation caused on purpose
  });

  it('runs every screen without a violation', async () => {
    const { page } = app;
    await signIn(page, {
      name: 'csp_agent',
      extension: DEMO_EXTENSIONS[0]!.id,
      initialState: '空闲',
    });
    await page.getByRole('button', { name: /忙碌/ }).click();
    await page.getByRole('menuitem', { name: '会议' }).click();
    await page.getByText('会议').first().waitFor();
    for (const tab of ['团队', '技能与分机', '设置', '状态']) {
      await page.getByRole('button', { name: tab, exact: true }).click();
    }
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('button', { name: 'Settings', exact: true }).waitFor();
    expect(violations).toEqual([]);
  });
});
