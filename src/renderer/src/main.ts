/**
 * Renderer entry. `window.agentDesktop` is already installed (preload or browser bridge) before
 * this module runs; nothing here replaces it. Stores start from App so tests mount the same path.
 */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { reportWindowErrors } from './window-errors';

// First, so an error while mounting reaches main's log too.
reportWindowErrors();

createApp(App).use(createPinia()).use(createAppI18n()).mount('#app');
