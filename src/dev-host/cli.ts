/**
 * `npm run host`: the core in plain Node behind the browser host, for development and tests.
 * Open the printed URL in a browser; the embedded demo platform is used unless
 * AGENT_DESKTOP_PLATFORM_URL is set. Not the product: the Electron app is.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDesktopCore } from '../main/core/create-core';
import { MemorySecretStore } from '../lib/ports';
import { startBrowserHost } from './browser-host';
import type { BrowserHost } from './browser-host';
import { startDemoPlatformFromEnv } from '../emulator/demo-platform';
import { createNodeTransport } from '../lib/platform/node-transport';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    renderer: { type: 'string', default: 'out/renderer' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0..65535, got ${values.port}\n`);
  process.exit(2);
}
/** Says why the host could not start (one line, no stack) and exits 1. */
function failedToStart(error: unknown): never {
  const busy = (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
  const hint = busy ? ` (port ${port} is in use: pass another --port, or 0 for any free one)` : '';
  process.stderr.write(`host: failed to start: ${String(error)}${hint}\n`);
  process.exit(1);
}
// The platform over node:http with pooled connections and no fetch Response: Node's own fetch
// costs several times the CPU per request, and every call is read back from the platform.
const platformTransport = createNodeTransport();
const core = await createDesktopCore({
  secrets: new MemorySecretStore(),
  settingsFile: null,
  env: process.env,
  transport: platformTransport,
  // AGENT_DESKTOP_EMULATOR=edge: calls through Kamailio + rtpengine (docs/edge.md).
  startEmbedded: (logger) => startDemoPlatformFromEnv(logger),
  locale: Intl.DateTimeFormat().resolvedOptions().locale,
  // No default browser to drive from here: the vetted screen-pop URL is printed instead.
  openExternal: async (url) => void process.stderr.write(`screen-pop: ${url}\n`),
  logger: {
    debug() {},
    info: (msg, fields) => process.stderr.write(`${msg} ${JSON.stringify(fields ?? {})}\n`),
    warn: (msg, fields) => process.stderr.write(`warn: ${msg} ${JSON.stringify(fields ?? {})}\n`),
    error: (msg, fields) => process.stderr.write(`error: ${msg} ${JSON.stringify(fields ?? {})}\n`),
  },
}).catch((error: unknown) => {
  platformTransport.close();
  return failedToStart(error);
});
let host: BrowserHost;
try {
  host = await startBrowserHost({ core, rendererDir: resolve(values.renderer), port });
} catch (error) {
  // Stop what already runs (the demo platform, the SIP line) before saying so.
  await core.shutdown(3000).catch(() => undefined);
  platformTransport.close();
  failedToStart(error);
}
process.stdout.write(
  `${JSON.stringify({ url: host.url, platform: core.snapshot().platform.baseUrl })}\n`,
);
const stop = async () => {
  await core.shutdown(3000);
  await host.close();
  platformTransport.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
