/**
 * Window-only state that several components share: which screen is shown, and whether the
 * agent must be asked about a forced sign-out. Nothing here mirrors main.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type Screen = 'sign-in' | 'status' | 'team' | 'skills' | 'settings' | 'history';

export const useUiStore = defineStore('ui', () => {
  const screen = ref<Screen>('sign-in');
  /** Set when sign-out answered 'in-call'; main's snapshot.question says the same. */
  const askForceSignOut = ref(false);
  return { screen, askForceSignOut };
});
