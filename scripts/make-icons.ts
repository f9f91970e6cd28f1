/**
 * Draws the tray icons (resources/tray/<state>.png at 16 px and <state>@2x.png at 32 px) and the
 * window icon (resources/icon.png, 256 px) with no image library: shapes as distance functions,
 * 4×4 supersampling, and a PNG writer over node:zlib. Each state has its own colour *and* glyph,
 * so colour is never the only cue. It also draws the installers' icons into build/ (see
 * installerIconFiles). Run: `npx tsx scripts/make-icons.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { TRAY_ICONS } from '../src/main/core/tray-model';
import type { TrayIconName } from '../src/main/core/tray-model';

type Rgb = readonly [number, number, number];
/** A signed distance in unit coordinates (0..1 across the icon): negative inside. */
type Shape = (x: number, y: number) => number;
interface Layer {
  shape: Shape;
  color: Rgb;
}

const WHITE: Rgb = [255, 255, 255];
const disc =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    Math.hypot(x - cx, y - cy) - r;
const ring =
  (r: number, width: number): Shape =>
  (x, y) =>
    Math.abs(Math.hypot(x - 0.5, y - 0.5) - (r - width / 2)) - width / 2;
/** A stroke from (ax,ay) to (bx,by) with round caps. */
const stroke =
  (ax: number, ay: number, bx: number, by: number, width: number): Shape =>
  (x, y) => {
    const [dx, dy] = [bx - ax, by - ay];
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - ax - t * dx, y - ay - t * dy) - width / 2;
  };
const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    Math.min(...shapes.map((s) => s(x, y)));
/** A convex polygon (clockwise in screen coordinates), corners rounded by `round`. */
const polygon =
  (points: [number, number][], round: number): Shape =>
  (x, y) => {
    let d = -Infinity;
    points.forEach(([ax, ay], i) => {
      const [bx, by] = points[(i + 1) % points.length]!;
      const len = Math.hypot(bx - ax, by - ay);
      // Outward normal of a clockwise edge in a y-down frame.
      d = Math.max(d, ((x - ax) * (by - ay) - (y - ay) * (bx - ax)) / len);
    });
    return d - round;
  };

const BG = disc(0.5, 0.5, 0.47);
const bars = union(
  stroke(0.32, 0.42, 0.32, 0.58, 0.11),
  stroke(0.5, 0.3, 0.5, 0.7, 0.11),
  stroke(0.68, 0.42, 0.68, 0.58, 0.11),
);

/** An arc of a ring around (cx,cy): the part whose angle (radians, y down) is outside `gap`. */
const arc =
  (cx: number, cy: number, r: number, width: number, gapFrom: number, gapTo: number): Shape =>
  (x, y) => {
    const angle = Math.atan2(y - cy, x - cx);
    if (angle > gapFrom && angle < gapTo) {
      // In the gap: the distance to the nearer end cap.
      const ends = [gapFrom, gapTo].map((a) =>
        Math.hypot(x - cx - r * Math.cos(a), y - cy - r * Math.sin(a)),
      );
      return Math.min(...ends) - width / 2;
    }
    return Math.abs(Math.hypot(x - cx, y - cy) - r) - width / 2;
  };

/** Each state: background and glyph. */
export const ICON_LAYERS: Record<TrayIconName, Layer[]> = {
  // Signed in, not yet available: blue, a dot.
  online: [
    { shape: BG, color: [37, 99, 235] },
    { shape: disc(0.5, 0.5, 0.16), color: WHITE },
  ],
  // Available for calls: green, a check mark.
  idle: [
    { shape: BG, color: [22, 163, 74] },
    {
      shape: union(stroke(0.27, 0.52, 0.43, 0.68, 0.13), stroke(0.43, 0.68, 0.74, 0.35, 0.13)),
      color: WHITE,
    },
  ],
  // Busy: red, a "no entry" bar.
  busy: [
    { shape: BG, color: [220, 38, 38] },
    { shape: stroke(0.27, 0.5, 0.73, 0.5, 0.16), color: WHITE },
  ],
  // Away: amber, clock hands.
  away: [
    { shape: BG, color: [217, 119, 6] },
    {
      shape: union(stroke(0.5, 0.5, 0.5, 0.24, 0.12), stroke(0.5, 0.5, 0.71, 0.5, 0.12)),
      color: WHITE,
    },
  ],
  // Ringing: violet, three dots.
  fetching: [
    { shape: BG, color: [124, 58, 237] },
    {
      shape: union(disc(0.27, 0.5, 0.085), disc(0.5, 0.5, 0.085), disc(0.73, 0.5, 0.085)),
      color: WHITE,
    },
  ],
  // On a call: teal, sound bars.
  talking: [
    { shape: BG, color: [8, 145, 178] },
    { shape: bars, color: WHITE },
  ],
  // Signed out: a hollow grey ring.
  'signed-out': [{ shape: ring(0.47, 0.13), color: [107, 114, 128] }],
  // Trouble: an orange triangle (not a disc) with "!".
  trouble: [
    {
      shape: polygon(
        [
          [0.5, 0.1],
          [0.93, 0.86],
          [0.07, 0.86],
        ],
        0.03,
      ),
      color: [234, 88, 12],
    },
    { shape: union(stroke(0.5, 0.36, 0.5, 0.58, 0.12), disc(0.5, 0.73, 0.065)), color: WHITE },
  ],
  // Signed in, state not known: grey, a question mark.
  unknown: [
    { shape: BG, color: [107, 114, 128] },
    {
      shape: union(
        arc(0.5, 0.37, 0.13, 0.11, Math.PI / 2, Math.PI),
        stroke(0.5, 0.5, 0.5, 0.58, 0.11),
        disc(0.5, 0.74, 0.065),
      ),
      color: WHITE,
    },
  ],
};

/** The window icon: the "on a call" bars on the app's blue. */
export const APP_ICON_LAYERS: Layer[] = [
  { shape: BG, color: [37, 99, 235] },
  { shape: bars, color: WHITE },
];

/** Renders layers to RGBA pixels (straight alpha), 4×4 samples per pixel. */
export function render(layers: Layer[], size: number): Buffer {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          // The topmost layer containing the sample paints it.
          const hit = layers.findLast((layer) => layer.shape(x, y) <= 0);
          if (!hit) continue;
          r += hit.color[0];
          g += hit.color[1];
          b += hit.color[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
        out[i + 3] = Math.round((255 * a) / (n * n));
      }
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit RGBA, no filtering, zlib level 9). */
export function encodePng(rgba: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0;
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Every file this script writes, relative to resources/, with its bytes. */
export function iconFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of TRAY_ICONS) {
    files.set(`tray/${name}.png`, encodePng(render(ICON_LAYERS[name], 16), 16));
    files.set(`tray/${name}@2x.png`, encodePng(render(ICON_LAYERS[name], 32), 32));
  }
  files.set('icon.png', encodePng(render(APP_ICON_LAYERS, 256), 256));
  return files;
}

/** Sizes in the Windows .ico (256 is what Explorer and the NSIS installer show largest). */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** The .icns entries: OSType → size (PNG-compressed entries, macOS 10.7+). */
export const ICNS_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];
/** The PNG set Linux packages (AppImage, deb) install under hicolor. */
export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;

/** A .ico holding one PNG image per size (Vista+ reads PNG entries). */
export function encodeIco(images: ReadonlyArray<readonly [number, Buffer]>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const [size, png] of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map(([, png]) => png)]);
}

/** An .icns: 'icns' + total length, then (type, length, PNG) per entry. */
export function encodeIcns(entries: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  const parts = entries.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** The installers' icons, relative to build/: icon.png (1024), icon.ico, icon.icns, icons/. */
export function installerIconFiles(): Map<string, Buffer> {
  const cache = new Map<number, Buffer>();
  const png = (size: number) => {
    let found = cache.get(size);
    if (!found) cache.set(size, (found = encodePng(render(APP_ICON_LAYERS, size), size)));
    return found;
  };
  const files = new Map<string, Buffer>();
  files.set('icon.png', png(1024));
  files.set('icon.ico', encodeIco(ICO_SIZES.map((size) => [size, png(size)] as const)));
  files.set('icon.icns', encodeIcns(ICNS_TYPES.map(([type, size]) => [type, png(size)] as const)));
  for (const size of LINUX_SIZES) files.set(`icons/${size}x${size}.png`, png(size));
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const sets: Array<[string, Map<string, Buffer>]> = [
    ['resources', iconFiles()],
    ['build', installerIconFiles()],
  ];
  for (const [folder, files] of sets) {
    for (const [path, bytes] of files) {
      mkdirSync(dirname(join(root, folder, path)), { recursive: true });
      writeFileSync(join(root, folder, path), bytes);
      process.stdout.write(`${folder}/${path} (${bytes.length} bytes)\n`);
    }
  }
}
