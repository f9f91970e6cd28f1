/**
 * A desktop's platform client in a process of its own, so its machine time zone is whatever the
 * test sets in TZ: `node --import tsx desktop-in-zone.ts` with PLATFORM_URL, APP_ID, CERT_ID,
 * SECRET_KEY (and PLATFORM_TIME_ZONE to set the client's platform zone). Lists agents once and
 * prints one JSON line: the outcome and this process's own UTC offset (minutes, as Date says).
 */
import { PlatformClient } from '../../../../src/lib/platform/client';

const env = process.env;
const client = new PlatformClient({
  baseUrl: env.PLATFORM_URL!,
  credentials: { appId: env.APP_ID!, certId: env.CERT_ID!, secretKey: env.SECRET_KEY! },
  timeoutMs: 5_000,
  ...(env.PLATFORM_TIME_ZONE ? { timeZone: env.PLATFORM_TIME_ZONE } : {}),
});
const result = await client.listAgents({ pageNo: 1, pageSize: 20 });
process.stdout.write(
  `${JSON.stringify({
    ok: result.ok,
    error: result.ok ? null : result.error,
    utcOffsetMinutes: -new Date().getTimezoneOffset(),
  })}\n`,
);
