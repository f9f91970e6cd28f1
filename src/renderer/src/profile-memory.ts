/**
 * The last sign-in profile, remembered in localStorage so the form is ready next time. Only
 * non-secret fields (name, job number, extension id, initial state) are ever stored.
 */
import type { SignInProfile } from '../../shared/snapshot';

const KEY = 'agentDesktop.lastProfile';

export function loadProfile(): SignInProfile | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<SignInProfile>;
    if (typeof value.name !== 'string' || typeof value.extension !== 'string') return null;
    const profile: SignInProfile = { name: value.name, extension: value.extension };
    if (typeof value.num === 'string') profile.num = value.num;
    if (typeof value.initialState === 'string') profile.initialState = value.initialState;
    return profile;
  } catch {
    return null;
  }
}

export function saveProfile(profile: SignInProfile): void {
  const { name, num, extension, initialState } = profile;
  try {
    localStorage.setItem(KEY, JSON.stringify({ name, num, extension, initialState }));
  } catch {
    // Storage full or disabled: the form is merely not prefilled next time.
  }
}
