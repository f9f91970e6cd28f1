/**
 * The window's start-up script stays within its budget (90 KB gzip): it is what every launch
 * parses, and what a ringing call's first paint waits behind on a cold start. Screens an agent
 * opens now and then (Settings, History, Team, Skills) load in their own chunks, as does a HID
 * headset's call control (loaded with the first headset found; most desks have none), and so
 * does the English catalog (most floors work in Chinese).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const assets = resolve('out/renderer/assets');
const BUDGET = 90 * 1024;

describe('renderer bundle', () => {
  it('the start-up script is within 90 KB gzip; occasional screens are split off', () => {
    const html = readFileSync(resolve('out/renderer/index.html'), 'utf8');
    const entry = /src="\.?\/?assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(entry, 'index.html names its script').toBeTruthy();
    const size = gzipSync(readFileSync(join(assets, entry!))).length;
    expect(size).toBeLessThanOrEqual(BUDGET);
    const chunks = readdirSync(assets).filter((f) => f.endsWith('.js') && f !== entry);
    for (const screen of ['SettingsView', 'HistoryView', 'headset-hid', 'en-']) {
      expect(chunks.some((f) => f.startsWith(screen))).toBe(true);
    }
    // The English catalog (its day words too) loads only for a window in English.
    const script = readFileSync(join(assets, entry!), 'utf8');
    expect(script).not.toContain('Can I take calls?');
    expect(script).not.toContain('Wrap-up');
  });
});
