/**
 * werift falls back to Google's public STUN server when it is given none, so an endpoint that
 * must stay on loopback hands it this one instead: a UDP socket on 127.0.0.1 that answers every
 * STUN request with an error. Gathering then ends in milliseconds with host candidates only, and
 * nothing leaves the machine.
 */
import { createSocket } from 'node:dgram';

const HEADER_LENGTH = 20;
const MAGIC_COOKIE = 0x2112a442;

export interface StunDecliner {
  /** For `iceServers`: `stun:127.0.0.1:PORT`. */
  url: string;
  close(): Promise<void>;
}

/** Opens a decliner on an ephemeral loopback port. */
export async function openStunDecliner(): Promise<StunDecliner> {
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    if (message.length < HEADER_LENGTH || message.readUInt32BE(4) !== MAGIC_COOKIE) return;
    // Error-response class of the same method, no attributes, same cookie and transaction id.
    const reply = Buffer.from(message.subarray(0, HEADER_LENGTH));
    reply.writeUInt16BE((message.readUInt16BE(0) & 0x3eef) | 0x0110, 0);
    reply.writeUInt16BE(0, 2);
    socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.unref();
  let closed: Promise<void> | null = null;
  return {
    url: `stun:127.0.0.1:${socket.address().port}`,
    close: () => (closed ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
}
