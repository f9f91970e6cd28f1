/**
 * vitest globalSetup for the node project: builds the app once per run (electron-vite, ~2 s),
 * so the Chromium end-to-end tests serve the renderer exactly as it ships.
 */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.AGENT_DESKTOP_SKIP_BUILD === '1') return;
  execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}
