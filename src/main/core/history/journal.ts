/**
 * An append-only JSON-lines file: one record per line, each written with one `write` as soon as it
 * happens, so a crash loses at most what had not happened yet. Compaction rewrites the live
 * records to a temporary file and renames it over the journal. A line that cannot be read means
 * the file is damaged: it is renamed aside (kept for a person to look at), the readable records
 * are written to a fresh journal, and the damage is reported — never thrown.
 * Plain `node:fs`, no native module: it runs the same inside Electron and in Node.
 */
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../../lib/ports';
import type { HistoryDamage } from '../../../shared/history';

export interface JournalLoad<R> {
  records: R[];
  /** Lines in the file (readable or not). */
  lines: number;
  damage: HistoryDamage | null;
  /** The file does not end with a newline (cut after a complete record). */
  unterminated: boolean;
}

export class Journal<R> {
  private fd: number | null = null;
  /** Lines written since the file was last rewritten (compaction's measure of garbage). */
  lines = 0;
  /**
   * The file holds damaged lines that could be neither renamed nor copied aside: it is never
   * rewritten, which would destroy them (appends still go on).
   */
  private keepAsIs = false;

  constructor(
    /** The file; null keeps nothing on disk (tests, the browser host without a folder). */
    private readonly path: string | null,
    /** Turns a parsed line into a record, or null when it is not one. */
    private readonly check: (value: unknown) => R | null,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Reads every record; a damaged file is set aside and rewritten with what could be read. */
  load(): JournalLoad<R> {
    if (!this.path) return { records: [], lines: 0, damage: null, unterminated: false };
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.error('history: journal unreadable', { error: String(error) });
      return { records: [], lines: 0, damage: null, unterminated: false };
    }
    const records: R[] = [];
    let lines = 0;
    let lost = 0;
    // Notepad saves UTF-8 with a byte-order mark: the first record is as readable as the rest.
    if (text.startsWith('\uFEFF')) text = text.slice(1);
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines++;
      const record = this.parse(line);
      if (record === null) lost++;
      else records.push(record);
    }
    this.lines = lines;
    // A last line without its newline would swallow the next append: rewrite before appending.
    const unterminated = text.length > 0 && !text.endsWith('\n');
    if (lost === 0) return { records, lines, damage: null, unterminated };
    const keptAs = `${this.path}.damaged-${this.now()}`;
    try {
      renameSync(this.path, keptAs);
    } catch (renameError) {
      // Held open by another program (an antivirus scan on Windows): a copy keeps the lines too.
      try {
        copyFileSync(this.path, keptAs);
      } catch (error) {
        this.logger.error('history: damaged journal could not be set aside; left as it is', {
          error: String(error),
        });
        this.keepAsIs = true;
        return { records, lines, damage: { lost, keptAs: this.path }, unterminated };
      }
      this.logger.warn('history: damaged journal copied aside (it could not be moved)', {
        error: String(renameError),
      });
    }
    this.logger.warn('history: damaged journal set aside', { lost, keptAs });
    return { records, lines, damage: { lost, keptAs }, unterminated };
  }

  /** Appends one record (one write); false when the disk refused it (logged, not thrown). */
  append(record: R): boolean {
    if (!this.path) return true;
    try {
      this.fd ??= this.openForAppend();
      writeSync(this.fd, `${JSON.stringify(record)}\n`);
      this.lines++;
      return true;
    } catch (error) {
      this.logger.error('history: record not written', { error: String(error) });
      this.closeFd();
      return false;
    }
  }

  /** Replaces the file with exactly `records` (atomic: a temporary file renamed over it). */
  rewrite(records: readonly R[]): boolean {
    if (!this.path) return true;
    if (this.keepAsIs) return false;
    const tmp = `${this.path}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        // Chunks keep memory bounded for large stores.
        let chunk = '';
        for (const record of records) {
          chunk += `${JSON.stringify(record)}\n`;
          if (chunk.length > 1 << 20) {
            writeSync(fd, chunk);
            chunk = '';
          }
        }
        if (chunk) writeSync(fd, chunk);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.closeFd();
      renameSync(tmp, this.path);
      this.lines = records.length;
      return true;
    } catch (error) {
      this.logger.error('history: compaction failed', { error: String(error) });
      return false;
    }
  }

  close(): void {
    this.closeFd();
  }

  private openForAppend(): number {
    // Callers' numbers: readable by this user only.
    mkdirSync(dirname(this.path!), { recursive: true, mode: 0o700 });
    return openSync(this.path!, 'a', 0o600);
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed: nothing to do
    }
    this.fd = null;
  }

  private parse(line: string): R | null {
    try {
      return this.check(JSON.parse(line));
    } catch {
      return null;
    }
  }
}
