// @vitest-environment happy-dom
/**
 * The browser host's page script (the preload's stand-in), over a fake WebSocket: a command the
 * window was told had failed never runs later; reconnects back off; a refused token stops the
 * retries with a word in the console and in the page itself; the token comes from the address,
 * not the page.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string): void {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('send on a socket that is not open');
    this.sent.push(text);
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  /** The connection ends (or a handshake fails: the browser reports only a close). */
  drop(): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.();
  }
  reply(id: number, result: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ id, result }) });
  }
}

type Api = Record<string, (...args: unknown[]) => Promise<unknown>>;
const TOKEN = '0123456789abcdef0123456789abcdef';
let fetchAnswer: () => Promise<Response>;
// The real window's controls, taken before any test stubs `window`.
const { happyDOM } = window as unknown as { happyDOM: { setURL(url: string): void } };

/** Loads a fresh bridge at this address; it installs its API on a fresh `window` object. */
async function loadBridge(address = `http://127.0.0.1:4321/#token=${TOKEN}`): Promise<Api> {
  happyDOM.setURL(address);
  const target = {} as { agentDesktop?: Api };
  vi.stubGlobal('window', target);
  vi.resetModules();
  await import('../../src/dev-host/bridge');
  return target.agentDesktop!;
}

const sentOn = (socket: FakeSocket) => socket.sent.map((t) => JSON.parse(t) as { channel: string });
/** Lets the bridge's promise callbacks (the token probe) run under fake timers. */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  fetchAnswer = () => Promise.reject(new TypeError('Failed to fetch'));
  vi.stubGlobal(
    'fetch',
    vi.fn(() => fetchAnswer()),
  );
  sessionStorage.clear();
  document.body.innerHTML = '<div id="app">Loading…</div>';
});

/** The note the page shows the agent (role=alert), or null. */
const pageNote = () => document.querySelector('[role="alert"]')?.textContent ?? null;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the browser host bridge', () => {
  it('never runs later a command the window was told had failed', async () => {
    const api = await loadBridge();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop();
    const answer = api.setState!('busy');
    vi.advanceTimersByTime(500);
    FakeSocket.all[1]!.drop();
    expect(await answer).toMatchObject({ ok: false, error: { code: 'transport' } });
    await vi.advanceTimersByTimeAsync(5000);
    FakeSocket.all.at(-1)!.open();
    expect(sentOn(FakeSocket.all.at(-1)!).filter((m) => m.channel === 'agent:set-state')).toEqual(
      [],
    );
  });

  it('sends a command queued while reconnecting once the socket opens', async () => {
    const api = await loadBridge();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop();
    const answer = api.setState!('busy');
    vi.advanceTimersByTime(500);
    const socket = FakeSocket.all[1]!;
    socket.open();
    const sent = sentOn(socket).find((m) => m.channel === 'agent:set-state') as unknown as {
      id: number;
    };
    expect(sent).toBeTruthy();
    socket.reply(sent.id, { ok: true, value: null });
    expect(await answer).toEqual({ ok: true, value: null });
  });

  it('backs off while the host is away (capped at 5 s), and starts again quickly once back', async () => {
    await loadBridge();
    const gaps: number[] = [];
    let last = Date.now();
    for (let i = 0; i < 8; i++) {
      const before = FakeSocket.all.length;
      FakeSocket.all.at(-1)!.drop();
      while (FakeSocket.all.length === before) await vi.advanceTimersByTimeAsync(100);
      gaps.push(Date.now() - last);
      last = Date.now();
    }
    expect(gaps[0]).toBeLessThanOrEqual(600);
    expect(gaps.at(-1)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5100);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    // Back: the next drop retries quickly again.
    FakeSocket.all.at(-1)!.open();
    const before = FakeSocket.all.length;
    FakeSocket.all.at(-1)!.drop();
    await vi.advanceTimersByTimeAsync(600);
    expect(FakeSocket.all.length).toBe(before + 1);
  });

  it('stops retrying when the host refuses the token, and says so in the console and the page', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fetchAnswer = () => Promise.resolve(new Response('forbidden', { status: 403 }));
    const api = await loadBridge();
    FakeSocket.all[0]!.drop(); // a handshake the host refused (403): the browser says only "closed"
    await flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/refused this page’s token/));
    // …and in the page, which would otherwise say "Loading…" for good.
    expect(pageNote()).toMatch(/refused this page’s token.*Open the exact address it printed/);
    // Commands now fail at once instead of waiting for a connection that will never come.
    expect(await api.setState!('busy')).toMatchObject({ ok: false, error: { code: 'transport' } });
  });

  it('says in the page that an address without a token is refused', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fetchAnswer = () => Promise.resolve(new Response('forbidden', { status: 403 }));
    await loadBridge('http://127.0.0.1:4321/');
    expect(FakeSocket.all[0]!.url).toBe('ws://127.0.0.1:4321/__host/ipc?token=');
    FakeSocket.all[0]!.drop();
    await flush();
    expect(pageNote()).toMatch(/refused this page’s token/);
    expect(document.querySelectorAll('[role="alert"]')).toHaveLength(1);
    expect(document.getElementById('app')).not.toBeNull(); // the app's element stays
  });

  it('shows no note while the host is only away', async () => {
    await loadBridge();
    FakeSocket.all[0]!.drop(); // the token probe cannot reach the host either
    await flush();
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.all.length).toBeGreaterThan(1);
    expect(pageNote()).toBeNull();
  });

  it('takes the token from the address, then removes it from the address bar', async () => {
    await loadBridge();
    expect(FakeSocket.all[0]!.url).toBe(`ws://127.0.0.1:4321/__host/ipc?token=${TOKEN}`);
    expect(location.href).toBe('http://127.0.0.1:4321/');
  });

  it('keeps the token for a reload of the same tab', async () => {
    await loadBridge();
    await loadBridge('http://127.0.0.1:4321/');
    expect(FakeSocket.all.at(-1)!.url).toBe(`ws://127.0.0.1:4321/__host/ipc?token=${TOKEN}`);
  });
});
