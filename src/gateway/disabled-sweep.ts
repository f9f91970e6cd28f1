/**
 * Disabling an agent ends their gateway sessions, but the platform does not know: it keeps the
 * agent logged in and routes calls to their desktop until its own keepalive timeout (minutes),
 * and nothing the desktop sends gets through any more. So each instance looks now and then for
 * disabled agents the platform still holds and logs them out — never with force: an agent in a
 * call keeps the customer (the platform refuses, 040203) and is logged out at the first sweep
 * after the call.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import { isCallState } from '../shared/domain/state';
import { envelopeCode } from './http-io';
import type { AuditLog } from './audit';
import type { Forwarder } from './forward';
import type { GatewayStore } from './store/port';
import type { Logger } from '../lib/ports';

/** The platform's largest page (agent-api §3): a site's agents in one or a few requests. */
const PAGE_SIZE = 1000;
/** The agent the audit names for what the gateway does on its own. */
export const SWEEP_SOURCE = 'gateway';

interface AgentPage {
  code?: string;
  data?: { totalPageCount?: number; result?: { name?: unknown; state?: unknown }[] };
}

export async function sweepDisabled(parts: {
  store: GatewayStore;
  forwarder: Forwarder;
  audit: AuditLog;
  logger: Logger;
  now: () => number;
}): Promise<void> {
  const { store, forwarder, audit, logger, now } = parts;
  const disabled = new Set((await store.listAgents()).filter((a) => a.disabled).map((a) => a.name));
  if (disabled.size === 0) return;
  const found: string[] = [];
  for (let pageNo = 1; ; pageNo++) {
    const sent = await forwarder.send(
      'GET',
      '/callcenter/agent',
      { pageNo: String(pageNo), pageSize: String(PAGE_SIZE) },
      null,
    );
    if (!sent.ok || sent.reply.status !== 200) return;
    let page: AgentPage;
    try {
      page = JSON.parse(sent.reply.body) as AgentPage;
    } catch {
      return;
    }
    if (page.code !== PLATFORM_CODES.OK) return;
    for (const agent of page.data?.result ?? []) {
      const state = typeof agent.state === 'string' ? agent.state : null;
      // In a call: the platform would refuse; the next sweep after the call logs them out.
      if (typeof agent.name === 'string' && disabled.has(agent.name) && !isCallState(state))
        found.push(agent.name);
    }
    if (pageNo >= (page.data?.totalPageCount ?? 1)) break;
  }
  for (const name of found) {
    const path = `/callcenter/agent/${encodeURIComponent(name)}`;
    const sent = await forwarder.send('DELETE', path, { force: 'false' }, null);
    const status = sent.ok ? sent.reply.status : 0;
    const code = sent.ok ? envelopeCode(sent.reply.body) : sent.code;
    logger.info('disabled agent logged out of the platform', { agent: name, code });
    audit.add({
      at: now(),
      sourceAddress: SWEEP_SOURCE,
      agent: name,
      action: 'logout-disabled',
      target: name,
      status,
      code,
    });
  }
}
