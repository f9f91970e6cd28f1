/**
 * Renderer entry. `window.agentDesktop` is already installed (preload or browser bridge) before
 * this module runs; nothing here replaces it. Stores start from App so tests mount the same path.
 */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n, startLanguage } from './i18n';
import { reportWindowErrors } from './window-errors';

// First, so an error while mounting reaches main's log too.
reportWindowErrors();

// A window in English loads those words first (the start-up script carries only Chinese).
const i18n = createAppI18n();
void startLanguage(i18n).finally(() => createApp(App).use(createPinia()).use(i18n).mount('#app'));
