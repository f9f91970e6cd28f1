/** Mounts the real App (or one component) with a fake DesktopApi, pinia and i18n. */
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach } from 'vitest';
import App from '../../src/renderer/src/App.vue';
import { createAppI18n } from '../../src/renderer/src/i18n';
import { FakeApi } from './fake-api';
import type { Component } from 'vue';
import type { Language } from '../../src/shared/domain/errors';

enableAutoUnmount(afterEach);

beforeEach(() => {
  localStorage.clear();
  document.body.innerHTML = '';
});

export function installApi(api: FakeApi | undefined): void {
  Object.defineProperty(window, 'agentDesktop', { value: api, configurable: true, writable: true });
}

export async function mountApp(
  api: FakeApi = new FakeApi(),
  options: { language?: Language; component?: Component } = {},
) {
  const language = options.language ?? 'zh-CN';
  // The app follows the language setting; make the fake's setting match the test's language.
  api.settings = { ...api.settings, settings: { ...api.settings.settings, language } };
  installApi(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  const i18n = createAppI18n(language);
  const host = document.createElement('div');
  document.body.appendChild(host);
  const wrapper = mount(options.component ?? App, {
    global: { plugins: [pinia, i18n] },
    attachTo: host,
  });
  await flushPromises();
  return { wrapper, api, i18n, pinia };
}
