/** docs/platform-api/agent-api.md §6: which agent a queued call for a skill goes to. */
import { isRoutable, type AgentStatus } from '../agent-status';

/**
 * Among routable agents (§4) not already holding one of our calls, those with `skill` enabled;
 * highest score first, then the one idle longest (the store's `stateSince` is when the agent
 * became exactly `idle`), then the earliest login. Null when nobody qualifies.
 */
export function chooseAgent(
  statuses: readonly AgentStatus[],
  skill: string,
  isBusy: (name: string) => boolean,
): AgentStatus | null {
  let best: { status: AgentStatus; score: number } | null = null;
  for (const status of statuses) {
    if (!isRoutable(status) || isBusy(status.name)) continue;
    const match = status.skills.find((s) => s.name === skill && s.enabled);
    if (!match) continue;
    // Strict comparisons keep the earlier (older login) agent on a full tie.
    if (
      !best ||
      match.score > best.score ||
      (match.score === best.score && status.stateSince < best.status.stateSince)
    ) {
      best = { status, score: match.score };
    }
  }
  return best?.status ?? null;
}
