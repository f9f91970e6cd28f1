/**
 * The agent's day tells the history journal, about once a minute, that the app still runs. What
 * the agent notices: after a crash or a power cut, today's time in state does not count the
 * hours the app was down as the state it was last in.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAgentDay } from '../../../../src/main/core/agent-day';
import { HistoryStore } from '../../../../src/main/core/history/store';
import { silentLogger } from '../../../../src/lib/ports';
import { DEFAULT_SETTINGS } from '../../../../src/shared/settings';
import { ManualClock } from '../../../support/manual-clock';
import { initialSnapshot } from '../../../../src/shared/snapshot';
import type { AgentSession } from '../../../../src/main/core/session';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'alive-beat-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a crash an hour into a state: the next start counts that hour, not the time it was down', async () => {
  const start = new Date(2026, 10, 27, 8, 0, 0).getTime();
  const clock = new ManualClock(start);
  const file = join(dir, 'history.jsonl');
  const snapshot = {
    ...initialSnapshot('http://127.0.0.1:1/v1/account/demo', true, start),
    phase: 'signed-in' as const,
    state: 'idle',
    stateSince: start,
  };
  const session = {
    snapshot: () => snapshot,
    onChange: () => () => {},
    addMissed: () => {},
  } as unknown as AgentSession;
  const day = createAgentDay({
    session,
    settings: () => DEFAULT_SETTINGS,
    clock,
    logger: silentLogger,
    historyFile: file,
    openExternal: null,
    emit: () => {},
  });
  await clock.advance(60 * 60_000);
  // The journal as a crash leaves it: the running app never closed it.
  const crashed = join(dir, 'crashed.jsonl');
  copyFileSync(file, crashed);
  day.close();

  const later = new HistoryStore({
    file: crashed,
    logger: silentLogger,
    now: () => start + 9 * 3_600_000,
    retentionDays: () => 90,
  });
  expect(later.today().stateMs).toEqual({ idle: 60 * 60_000 });
  later.close();
});
