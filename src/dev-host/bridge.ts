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

const TOKEN_KEY = 'agent-desktop-host-token';
/** The page's note when the host refused it. */
const NOTE_ID = 'agent-desktop-host-refused';
/** Reconnect delays: the first retry is quick, then doubling up to a few seconds. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;

/**
 * The run's token comes in the address the host printed (`#token=…`), never in the page, so
 * nothing that merely fetches the page learns it. It is taken off the address bar and kept
 * for reloads of this tab only.
 */
function readToken(): string {
  const fromAddress = new URLSearchParams(location.hash.slice(1)).get('token');
  try {
    if (fromAddress) sessionStorage.setItem(TOKEN_KEY, fromAddress);
    else return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    // No storage (disabled): the token still works until the page is reloaded.
  }
  if (fromAddress) history.replaceState(history.state, '', location.pathname + location.search);
  return fromAddress ?? '';
}

const token = readToken();
const query = `?token=${encodeURIComponent(token)}`;
const url = `ws://${location.host}/__host/ipc${query}`;

let socket: WebSocket;
let opened = false;
let retryMs = FIRST_RETRY_MS;
/** Set once the host refused this page's token: no more retries, commands fail at once. */
let refused = false;
let nextId = 1;
const pending = new Map<number, (result: Result<unknown>) => void>();
/** Commands waiting for the socket to open; each still has its entry in `pending`. */
const queue: string[] = [];
const listeners = new Map<string, Set<(payload: unknown) => void>>();

const lost = <T>(message: string): Result<T> => ({
  ok: false,
  error: { code: 'transport', message },
});

function connect(): void {
  let handshake = true;
  socket = new WebSocket(url);
  socket.onopen = () => {
    handshake = false;
    retryMs = FIRST_RETRY_MS;
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
    // Every request still waiting is answered "failed" now, so none may be sent later.
    queue.length = 0;
    for (const [id, resolve] of pending) {
      resolve(lost('host connection lost'));
      pending.delete(id);
    }
    const delay = retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    // A handshake that failed may be the host refusing this token (it restarted with a new
    // one): the browser does not tell a 403 from a host that is away, so ask over http.
    if (handshake) void tokenRefused().then((no) => (no ? stop() : setTimeout(connect, delay)));
    else setTimeout(connect, delay);
  };
}

/** Whether the host answers this page's token with 403; false when it cannot be asked. */
async function tokenRefused(): Promise<boolean> {
  try {
    return (await fetch(`/__host/ipc${query}`, { cache: 'no-store' })).status === 403;
  } catch {
    return false;
  }
}

const REFUSED =
  'Agent desktop: the browser host refused this page’s token (missing, or from an earlier run ' +
  'of the host). Open the exact address it printed (with #token=…) to connect.';

function stop(): void {
  refused = true;
  console.error(REFUSED);
  showInPage(REFUSED);
}

/**
 * Puts the sentence at the top of the page itself: the window would otherwise show its
 * start-up "Loading…" for good, with the reason only in the console. A plain DOM note beside the
 * app's own element (this bridge belongs to the development host, not to the app's window).
 */
function showInPage(text: string): void {
  const show = () => {
    if (document.getElementById(NOTE_ID)) return;
    const note = document.createElement('p');
    note.id = NOTE_ID;
    note.setAttribute('role', 'alert');
    note.textContent = text;
    Object.assign(note.style, {
      position: 'fixed',
      top: '0',
      left: '0',
      right: '0',
      zIndex: '2147483647',
      margin: '0',
      padding: '12px 16px',
      background: '#fdecea',
      color: '#611a15',
      font: '14px/1.4 system-ui, sans-serif',
      borderBottom: '1px solid #f5c2c0',
    });
    document.body.prepend(note);
  };
  if (document.body) show();
  else document.addEventListener('DOMContentLoaded', show, { once: true });
}

function deliver(event: string, payload: unknown): void {
  for (const listener of listeners.get(event) ?? []) listener(payload);
}

const invoke: Invoke = (channel, input) =>
  new Promise((resolve) => {
    if (refused) {
      resolve(lost('host refused this page'));
      return;
    }
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
