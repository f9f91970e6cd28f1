import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import electronLog from 'electron-log/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppLogger } from '../../../src/lib/log/app-logger';
import { createFileSink } from '../../../src/lib/log/file-sink';
import { sipLogConnector } from '../../../src/lib/sip-ws/sip-log';
import { jsonLogger } from '../../../src/gateway/log';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-logs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('rotating log files', () => {
  it('writes one JSON line per entry to main.log in the folder', () => {
    const dir = tempDir();
    const files = createFileSink({ dir });
    const logger = createAppLogger({ sinks: [files.sink], debug: false });
    logger.info('signed in', { agent: 'a1' });
    logger.debug('not written without debug');
    const lines = readFileSync(join(dir, 'main.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'signed in', agent: 'a1' });
  });

  it('a field named like a line key leaves the line its own level, time and message', () => {
    const dir = tempDir();
    const files = createFileSink({ dir });
    const logger = createAppLogger({
      sinks: [files.sink],
      debug: true,
      now: () => new Date('2026-11-28T10:00:00.000Z'),
    });
    // sip.js reports ordinary events as "error"; the desktop logs them at debug.
    sipLogConnector(logger)('error', 'sip.Transport', undefined, 'send on a closed transport');
    logger.info('window error', { msg: 'from the page', time: 'then' });
    const [sip, window] = readFileSync(join(dir, 'main.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(sip).toMatchObject({
      level: 'debug',
      'field.level': 'error',
      msg: 'sip.js: send on a closed transport',
      category: 'sip.Transport',
    });
    expect(window).toMatchObject({
      time: '2026-11-28T10:00:00.000Z',
      msg: 'window error',
      'field.msg': 'from the page',
      'field.time': 'then',
    });
    // The gateway's log lines follow the same rule.
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line)).warn('platform call failed', { level: 'x' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', 'field.level': 'x' });
  });

  it('keeps each file under the size cap and at most the file-count cap', () => {
    const dir = tempDir();
    const files = createFileSink({ dir, maxBytes: 2000, maxFiles: 3 });
    const logger = createAppLogger({ sinks: [files.sink], debug: true });
    for (let i = 0; i < 200; i++) logger.info(`entry ${i}`, { pad: 'x'.repeat(80) });
    const names = files.files().map((file) => basename(file));
    expect(names).toEqual(['main.log', 'main.1.log', 'main.2.log']);
    for (const file of files.files()) expect(statSync(file).size).toBeLessThan(2000 + 300);
    // The newest entry is in main.log; the oldest ones are gone.
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('entry 199');
    const all = files
      .files()
      .map((file) => readFileSync(file, 'utf8'))
      .join('');
    expect(all).not.toContain('"entry 0"');
  });

  it('a main.log electron-log already gave up on: said clearly, not silently dropped', () => {
    const dir = tempDir();
    const main = join(dir, 'main.log');
    // Another logger in this process met main.log unwritable first: electron-log keeps a file
    // that writes nothing for that path until the process ends.
    mkdirSync(main);
    const other = electronLog.create({ logId: 'someone-else' });
    other.transports.console.level = false;
    other.transports.file.resolvePathFn = () => main;
    other.info('first');
    rmSync(main, { recursive: true });

    const problems: Array<string | null> = [];
    const files = createFileSink({ dir, onProblem: (problem) => problems.push(problem) });
    expect(files.problem()).toBeNull();
    const logger = createAppLogger({ sinks: [files.sink], debug: false });
    logger.info('one');
    logger.info('two');
    expect(problems).toEqual([expect.stringContaining('until the app restarts')]);
    expect(files.problem()).toContain('until the app restarts');
  });
});
