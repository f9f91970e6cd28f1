/**
 * Shared by the emulator's tests: start an emulator on port 0 with a collected log, and call it
 * the way a client does (signed with the project's signing code when credentials are set).
 */
import { signedHeaders } from '../../src/lib/platform/signing';
import {
  DEMO_EXTENSIONS,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../src/emulator/index';

export interface TestEmulator extends RunningEmulator {
  logs: string[];
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body when it is JSON, else undefined. */
  json: { code?: string; msg?: string; data?: unknown } & Record<string, unknown>;
}

/** Starts an emulator on port 0 whose log lines are collected instead of printed. */
export async function startTest(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const logs: string[] = [];
  const emu = await startEmulator({ port: 0, log: (msg) => logs.push(msg), ...options });
  return Object.assign(emu, { logs });
}

export const EXT = DEMO_EXTENSIONS.map((e) => e.id);

export interface CallOptions {
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
  /** Send unsigned even when the emulator wants signatures. */
  unsigned?: boolean;
  /** Raw body text (instead of JSON.stringify(body)). */
  raw?: string;
}

/** Calls a business path relative to baseUrl (e.g. `/callcenter/agent`). */
export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Reply> {
  const text = options.raw ?? (body === undefined ? '' : JSON.stringify(body));
  const hasBody = method !== 'GET' && method !== 'DELETE' && (text !== '' || body !== undefined);
  const contentType = 'application/json';
  const url = new URL(emu.baseUrl + path);
  const headers: Record<string, string> = hasBody ? { 'Content-Type': contentType } : {};
  if (emu.credentials && !options.unsigned) {
    Object.assign(
      headers,
      signedHeaders(
        emu.credentials,
        method,
        url.pathname,
        text,
        contentType,
        new Date(emu.store.now()),
      ),
    );
  }
  Object.assign(headers, options.headers);
  const res = await fetch(url, { method, headers, body: hasBody ? text : undefined });
  return toReply(res);
}

/** Calls an /emulator/ control (POST with a JSON body, or GET without). */
export async function control(emu: RunningEmulator, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${emu.origin}/emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return toReply(res);
}

/** Logs an agent in through the API and insists it worked. */
export async function login(
  emu: RunningEmulator,
  name: string,
  extension = EXT[0]!,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const reply = await call(emu, 'POST', '/callcenter/agent', { name, extension, ...extra });
  if (reply.json.code !== '000000') throw new Error(`login ${name} failed: ${reply.text}`);
}

/** The `code` of a business reply (asserting HTTP 200). */
export async function code(reply: Promise<Reply>): Promise<string | undefined> {
  const r = await reply;
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
  return r.json.code;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: Reply['json'] = {};
  try {
    json = JSON.parse(text) as Reply['json'];
  } catch {
    // not JSON: tests look at text
  }
  return { status: res.status, headers: res.headers, text, json };
}
