/**
 * The renderer's one door to main: `window.agentDesktop`, read at call time (the preload or the
 * browser bridge installs it before this module runs; tests install a fake). Every call comes
 * back as a Result — a missing bridge or a throwing transport becomes a typed error, never an
 * exception in a component.
 */
import type { DesktopApi } from '../../shared/ipc/api';
import type { Result } from '../../shared/ipc/contract';

export function desktopApi(): DesktopApi | null {
  return window.agentDesktop ?? null;
}

/** Runs one command; failures of the bridge itself are reported as errors, not thrown. */
export async function call<T>(run: (api: DesktopApi) => Promise<Result<T>>): Promise<Result<T>> {
  const api = desktopApi();
  if (!api) return { ok: false, error: { code: 'transport', message: 'agentDesktop is missing' } };
  try {
    return await run(api);
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: String(error) } };
  }
}
