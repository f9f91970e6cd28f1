/**
 * The browser host's stand-in for the Electron preload: installs the same named-function API
 * (`window.agentDesktop`, built by buildDesktopApi) over a WebSocket to the browser host.
 * Served only by the development/test browser host; the Electron app never loads it.
 */
import { buildDesktopApi } from '../shared/ipc/api';
import type { Invoke, Subscribe } from '../shared/ipc/api';
import type { Result } from '../shared/ipc/contract';

type Reply = { id: number; result: Result<unknown> };
type Push = { event: string; payload: unknown };

const script = document.currentScript as HTMLScriptElement | null;
const token = script ? (new URL(script.src).searchParams.get('token') ?? '') : '';
const url = `ws://${location.host}/__host/ipc?token=${encodeURIComponent(token)}`;

let socket: WebSocket;
let opened = false;
let nextId = 1;
const pending = new Map<number, (result: Result<unknown>) => void>();
const queue: string[] = [];
const listeners = new Map<string, Set<(payload: unknown) => void>>();

function connect(): void {
  socket = new WebSocket(url);
  socket.onopen = () => {
    const reconnect = opened;
    opened = true;
    for (const message of queue.splice(0)) socket.send(message);
    // After a reconnect the window may have missed pushes: hand the stores a fresh snapshot.
    if (reconnect) {
      void invoke('session:snapshot', {}).then((r) => r.ok && deliver('session:changed', r.value));
    }
  };
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data)) as Reply | Push;
    if ('id' in data) {
      pending.get(data.id)?.(data.result);
      pending.delete(data.id);
    } else {
      deliver(data.event, data.payload);
    }
  };
  socket.onclose = () => {
    for (const [id, resolve] of pending) {
      resolve({ ok: false, error: { code: 'transport', message: 'host connection lost' } });
      pending.delete(id);
    }
    setTimeout(connect, 500);
  };
}

function deliver(event: string, payload: unknown): void {
  for (const listener of listeners.get(event) ?? []) listener(payload);
}

const invoke: Invoke = (channel, input) =>
  new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve as (result: Result<unknown>) => void);
    const message = JSON.stringify({ id, channel, payload: input });
    if (socket.readyState === WebSocket.OPEN) socket.send(message);
    else queue.push(message);
  });

const subscribe: Subscribe = (event, listener) => {
  const set = listeners.get(event) ?? new Set();
  listeners.set(event, set);
  const wrapped = listener as (payload: unknown) => void;
  set.add(wrapped);
  return () => set.delete(wrapped);
};

connect();
Object.defineProperty(window, 'agentDesktop', {
  value: Object.freeze(buildDesktopApi(invoke, subscribe)),
  writable: false,
});
