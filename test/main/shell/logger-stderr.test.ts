/**
 * The app started with stderr on a pipe that is then closed (a launcher that exits, `| head`):
 * writing to it fails with EPIPE. That must turn the stderr copy off, not become an uncaught
 * exception whose log line writes to stderr again, fails again, and fills the log files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logFiles } from '../../../src/lib/log/file-sink';

const ROOT = resolve(__dirname, '../../..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shell-logger-stderr-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The shell's logger and the same process handlers as crash.ts's setupProcessErrorLogging. */
const CHILD = `
import { createShellLogger } from ${JSON.stringify(join(ROOT, 'src/main/shell/logger.ts'))};
const { logger } = createShellLogger(process.argv[2], false);
process.on('uncaughtException', (error) => logger.error('uncaught exception in main', { error }));
process.on('unhandledRejection', (reason) =>
  logger.error('unhandled rejection in main', { error: String(reason) }),
);
setTimeout(() => {
  logger.info('one line after stderr closed');
  process.stdout.write('logged\\n');
}, 200);
setInterval(() => undefined, 1000);
`;

describe('the shell logger with stderr closed', () => {
  it('one line, no loop: the log holds that line and a note, not EPIPE after EPIPE', async () => {
    const script = join(dir, 'child.ts');
    writeFileSync(script, CHILD);
    const userData = join(dir, 'userData');
    const child = spawn(process.execPath, ['--import', 'tsx', script, userData], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.destroy();
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error('the child never logged')), 10_000);
        child.stdout.on('data', (data: Buffer) => {
          if (data.toString().includes('logged')) {
            clearTimeout(timer);
            done();
          }
        });
        child.on('exit', (code) => fail(new Error(`the child exited (${code})`)));
      });
      // The loop the reviewer saw filled 10 MiB in about 6 s; 1.5 s shows it.
      await new Promise((done) => setTimeout(done, 1500));
    } finally {
      child.kill('SIGKILL');
    }
    const text = logFiles(join(userData, 'logs'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('');
    expect(text.length).toBeLessThan(4096);
    expect(text).not.toContain('uncaught exception');
    const msgs = text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(msgs).toContain('one line after stderr closed');
    expect(msgs).toContain('stderr closed; logging to the files only');
  }, 20_000);
});
