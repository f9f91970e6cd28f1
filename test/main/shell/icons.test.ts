import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAY_ICONS } from '../../../src/main/core/tray-model';
import { iconFiles } from '../../../scripts/make-icons';

const RESOURCES = join(import.meta.dirname, '../../../resources');
const read = (path: string) => readFileSync(join(RESOURCES, path));

function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('tray icons', () => {
  it.each(TRAY_ICONS)('%s ships at 16 px and 32 px (@2x)', (name) => {
    expect(pngSize(read(`tray/${name}.png`))).toEqual([16, 16]);
    expect(pngSize(read(`tray/${name}@2x.png`))).toEqual([32, 32]);
  });

  it('every state looks different', () => {
    const images = TRAY_ICONS.map((name) => read(`tray/${name}@2x.png`).toString('base64'));
    expect(new Set(images).size).toBe(TRAY_ICONS.length);
  });

  it('the committed PNGs are what scripts/make-icons.ts draws', () => {
    for (const [path, bytes] of iconFiles()) expect(read(path).equals(bytes), path).toBe(true);
  });

  it('ships a window icon', () => {
    expect(pngSize(read('icon.png'))).toEqual([256, 256]);
  });
});
