/** Mounts the real App (or one component) with a fake DesktopApi, pinia and i18n. */
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach } from 'vitest';
import App from '../../src/renderer/src/App.vue';
import { createAppI18n } from '../../src/renderer/src/i18n';
import en from '../../src/renderer/src/i18n/en';
import { FakeApi } from './fake-api';
import type { Component } from 'vue';
import type { Language } from '../../src/shared/domain/errors';

enableAutoUnmount(afterEach);

// The window loads the screens an agent opens now and then on first use (their own chunks).
// Loaded here up front, so a test's click shows one as soon as the app would with the chunk
// already in memory; `settle` lets the async component resolve.
await Promise.all([
  import('../../src/renderer/src/components/SettingsView.vue'),
  import('../../src/renderer/src/components/HistoryView.vue'),
  import('../../src/renderer/src/components/SkillsView.vue'),
  import('../../src/renderer/src/components/TeamView.vue'),
]);

/** Promises, then one task (an async screen resolving), then promises again. */
export async function settle(): Promise<void> {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 0));
  await flushPromises();
}

beforeEach(() => {
  localStorage.clear();
  document.body.innerHTML = '';
});

export function installApi(api: FakeApi | undefined): void {
  Object.defineProperty(window, 'agentDesktop', { value: api, configurable: true, writable: true });
}

export async function mountApp(
  api: FakeApi = new FakeApi(),
  /** `lazyEnglish`: English is not given at once; the window loads it as it would ship. */
  options: { language?: Language; component?: Component; lazyEnglish?: boolean } = {},
) {
  const language = options.language ?? 'zh-CN';
  // The app follows the language setting; make the fake's setting match the test's language.
  api.settings = { ...api.settings, settings: { ...api.settings.settings, language } };
  installApi(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const i18n = createAppI18n(language, options.lazyEnglish ? {} : { en });
  const host = document.createElement('div');
  document.body.appendChild(host);
  const wrapper = mount(options.component ?? App, {
    global: { plugins: [pinia, i18n] },
    attachTo: host,
  });
  await settle();
  return { wrapper, api, i18n, pinia };
}
