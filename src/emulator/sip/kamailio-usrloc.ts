/**
 * Learns who is registered at Kamailio by polling its location table over JSON-RPC (`ul.dump`
 * via xhttp on the WS listener, loopback only) and reports changes through setRegistration.
 * Polling, not push: it needs no extra module or callback channel, and every poll is a full
 * picture, so nothing is lost across a missed event or a Kamailio restart.
 */
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import type { SipDirectory } from '../sip-directory';

interface DumpContact {
  Address?: string;
  Expires?: number | string;
}
interface DumpAor {
  Info?: { AoR?: string; Contacts?: { Contact?: DumpContact }[] };
}
interface DumpReply {
  result?: { Domains?: { Domain?: { AoRs?: DumpAor[] } }[] };
}

export interface UsrlocWatcher {
  /** Stops polling and reports every extension it knew as unregistered. */
  stop(): void;
}

export interface UsrlocOptions {
  rpcUrl: string;
  directory: SipDirectory;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}

/**
 * One JSON-RPC call to Kamailio (bounded at 2 s). Sent once more when the kept-alive connection
 * it went out on turned out closed by Kamailio before any reply (`other side closed`): the
 * methods used here only read, so a second try is safe.
 */
export async function kamailioRpc(
  rpcUrl: string,
  method: string,
  params: unknown[] = [],
): Promise<unknown> {
  const send = () =>
    fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
      signal: AbortSignal.timeout(2_000),
    });
  const response = await send().catch((error: unknown) => {
    if (!closedBeforeReply(error)) throw error;
    return send();
  });
  if (!response.ok) throw new Error(`kamailio rpc ${method}: HTTP ${response.status}`);
  return response.json();
}

/** fetch's failure when the socket closed before a reply came (undici's UND_ERR_SOCKET). */
function closedBeforeReply(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return error instanceof TypeError && cause?.code === 'UND_ERR_SOCKET';
}

/** The extensions Kamailio holds a live contact for: extensionId → contact and expiry. */
export function bindingsFromDump(reply: DumpReply, directory: SipDirectory, now: number) {
  const found = new Map<string, { contact: string; expiresAt: number | null }>();
  for (const domain of reply.result?.Domains ?? []) {
    for (const aor of domain.Domain?.AoRs ?? []) {
      const user = aor.Info?.AoR?.split('@')[0];
      const account = user ? directory.lookup(user) : null;
      if (!account) continue;
      for (const { Contact: contact } of aor.Info?.Contacts ?? []) {
        const expires = contact?.Expires;
        if (!contact?.Address) continue;
        const expiresAt =
          expires === 'permanent'
            ? null
            : typeof expires === 'number' && expires > 0
              ? now + expires * 1000
              : undefined;
        if (expiresAt === undefined) continue;
        const best = found.get(account.extensionId);
        if (
          !best ||
          (best.expiresAt !== null && (expiresAt === null || expiresAt > best.expiresAt))
        ) {
          found.set(account.extensionId, { contact: contact.Address, expiresAt });
        }
      }
    }
  }
  return found;
}

/** Polls `ul.dump` every `intervalMs` until stopped. */
export function watchUsrloc(options: UsrlocOptions): UsrlocWatcher {
  const { clock, directory, logger } = options;
  const known = new Map<string, { contact: string; expiresAt: number | null }>();
  let timer: TimerHandle | null = null;
  let stopped = false;
  let failing = false;

  const apply = (found: Map<string, { contact: string; expiresAt: number | null }>) => {
    for (const [extensionId, now] of found) {
      const before = known.get(extensionId);
      // Expires comes in whole seconds: only a new contact or a refresh (a jump) is news.
      const unchanged =
        before &&
        before.contact === now.contact &&
        Math.abs((before.expiresAt ?? 0) - (now.expiresAt ?? 0)) < 1_500;
      if (unchanged) continue;
      known.set(extensionId, now);
      directory.setRegistration(extensionId, now.contact, now.expiresAt);
    }
    for (const extensionId of [...known.keys()]) {
      if (found.has(extensionId)) continue;
      known.delete(extensionId);
      directory.setRegistration(extensionId, null, null);
    }
  };

  const poll = async () => {
    try {
      const reply = (await kamailioRpc(options.rpcUrl, 'ul.dump')) as DumpReply;
      if (stopped) return;
      failing = false;
      apply(bindingsFromDump(reply, directory, clock.now()));
    } catch (error) {
      // Kept as last seen: a slow answer is no reason to call everyone unregistered.
      if (!failing) logger.warn('kamailio: ul.dump failed', { error: (error as Error).message });
      failing = true;
    }
    if (!stopped) timer = clock.setTimeout(() => void poll(), options.intervalMs);
  };
  void poll();

  return {
    stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      apply(new Map());
    },
  };
}
