/**
 * rtpengine's control protocol ("ng": a cookie, a space, a bencoded dictionary, over UDP), just
 * enough to ask the relay whether it is up (`ping`), which calls it holds (`list`) and what one
 * call's packet counters say (`query`). Kamailio speaks the same protocol for offers and answers.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

export type Bencoded = string | number | Bencoded[] | { [key: string]: Bencoded };

/** Bencode (the subset rtpengine uses: byte strings, integers, lists, dictionaries). */
export function bencode(value: Bencoded): Buffer {
  if (typeof value === 'number') return Buffer.from(`i${Math.trunc(value)}e`);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
  }
  if (Array.isArray(value))
    return Buffer.concat([Buffer.from('l'), ...value.map(bencode), Buffer.from('e')]);
  const keys = Object.keys(value).sort();
  return Buffer.concat([
    Buffer.from('d'),
    ...keys.flatMap((key) => [bencode(key), bencode(value[key]!)]),
    Buffer.from('e'),
  ]);
}

/** Decodes one bencoded value; throws on malformed input. */
export function bdecode(data: Buffer): Bencoded {
  let at = 0;
  const read = (): Bencoded => {
    const c = String.fromCharCode(data[at] ?? 0);
    if (c === 'i') {
      const end = data.indexOf(0x65, at);
      if (end < 0) throw new Error('bencode: unterminated integer');
      const n = Number(data.subarray(at + 1, end).toString());
      at = end + 1;
      return n;
    }
    if (c === 'l' || c === 'd') {
      at++;
      const items: Bencoded[] = [];
      while (data[at] !== 0x65) {
        if (at >= data.length) throw new Error('bencode: unterminated list');
        items.push(read());
      }
      at++;
      if (c === 'l') return items;
      const dict: Record<string, Bencoded> = {};
      // Defined, not assigned: a key such as `__proto__` from the wire stays a key, and never
      // becomes the dictionary's prototype.
      for (let i = 0; i + 1 < items.length; i += 2) {
        Object.defineProperty(dict, String(items[i]), {
          value: items[i + 1]!,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return dict;
    }
    const colon = data.indexOf(0x3a, at);
    if (colon < 0 || !/^\d+$/.test(data.subarray(at, colon).toString()))
      throw new Error('bencode: bad string length');
    const length = Number(data.subarray(at, colon).toString());
    const text = data.subarray(colon + 1, colon + 1 + length).toString('utf8');
    at = colon + 1 + length;
    return text;
  };
  return read();
}

/** One ng request to `host:port`; rejects after `timeoutMs` without a reply. */
export function ngRequest(
  address: { host: string; port: number },
  command: Record<string, Bencoded>,
  timeoutMs = 1000,
): Promise<Record<string, Bencoded>> {
  const cookie = randomBytes(6).toString('hex');
  const socket = createSocket('udp4');
  return new Promise<Record<string, Bencoded>>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`rtpengine at ${address.host}:${address.port} did not answer`));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.on('message', (message) => {
      const space = message.indexOf(0x20);
      if (space < 0 || message.subarray(0, space).toString() !== cookie) return;
      clearTimeout(timer);
      socket.close();
      try {
        const reply = bdecode(message.subarray(space + 1));
        if (typeof reply !== 'object' || Array.isArray(reply)) throw new Error('not a dictionary');
        resolve(reply);
      } catch (error) {
        reject(new Error(`rtpengine: bad reply (${(error as Error).message})`));
      }
    });
    socket.send(
      Buffer.concat([Buffer.from(`${cookie} `), bencode(command)]),
      address.port,
      address.host,
    );
  });
}
