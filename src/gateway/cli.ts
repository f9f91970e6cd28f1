/**
 * `npm run gateway -- <command>`: the agent gateway service and its administration.
 *
 *   serve                      run the gateway in the foreground (SIGINT/SIGTERM stop it)
 *   init                       create the database (SQLite) or bring its tables up to date
 *   agent add NAME [--extensions 1001,1002] [--allow-skills]   password from stdin
 *   agent password NAME        new password from stdin (ends the agent's sessions, lifts a lockout)
 *   agent unlock NAME          lift NAME's sign-in lockout
 *   agent desk NAME ADDRESS    ADDRESS is NAME's desk for 30 days: a lock on NAME from elsewhere
 *                              does not refuse NAME there (a new desk while NAME is attacked)
 *   agent disable|enable|remove NAME
 *   agent extensions NAME ID[,ID…]     the extensions NAME may bind ('' = none)
 *   agent skills NAME on|off   may NAME edit their own skills (default off)
 *   agent list                 every agent: state, password set or not, skills, extensions
 *   agent status NAME          NAME's account, wrong passwords counted against the name (from
 *                              other addresses and at each one, with any lock's end), its desks,
 *                              where it is signed in now
 *   agent import FILE.csv      name,password,extensions,allow_skills
 *   sessions revoke NAME       sign NAME out of the gateway everywhere
 *   address unlock ADDRESS     lift the sign-in lockout on a source address (a NAT'd floor)
 *   audit [--agent NAME] [--about NAME] [--limit N]   newest first, 100 unless --limit (at
 *                              most 10000): --agent what NAME asked, --about what was about NAME
 *                              (an agent or an extension), admin changes to NAME included; each
 *                              change made here is a row too, by `admin:USER` from `console`
 *
 * Configuration comes from the environment (so no secret sits in a process list):
 *   GATEWAY_DATABASE   SQLite file (default ./gateway.db) or postgres://… URL; serve and init
 *                      create a missing SQLite file, the other commands refuse it
 *   GATEWAY_PLATFORM_URL, GATEWAY_APP_ID, GATEWAY_CERT_ID, and GATEWAY_SECRET_KEY or
 *   GATEWAY_SECRET_KEY_FILE (serve only); GATEWAY_SCRYPT_LOG_N (admin: cost of new hashes, 14)
 *   GATEWAY_PLATFORM_TIME_ZONE or serve's --platform-time-zone ZONE: the zone the platform reads
 *                      signed Timestamps in, an IANA name (default Asia/Shanghai)
 * Bad usage → a message on stderr and exit code 2; an admin refusal → exit code 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Admin, AdminError, auditTable, parseExtensions } from './admin';
import { errorText } from './audit';
import { startGateway } from './index';
import { jsonLogger } from './log';
import { isPostgresUrl, openStore } from './store/open';
import type { GatewayStore } from './store/port';
import { serveConfig, UsageError } from './serve-config';
import { DEFAULT_SCRYPT } from './passwords';

const USAGE = readFileSync(new URL(import.meta.url), 'utf8')
  .split('\n')
  .slice(
    1,
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .indexOf(' */'),
  )
  .map((l) => l.replace(/^ \*( |$)/, ''))
  .join('\n');

const env = process.env;
const database = () => env.GATEWAY_DATABASE || './gateway.db';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Opens the database for an admin command. A SQLite file that is not there is refused rather
 * than created: an administrator in the wrong directory would otherwise get a new, empty
 * database ("no agents") and add agents the gateway never sees.
 */
async function openExisting(): Promise<GatewayStore> {
  const path = database();
  if (!isPostgresUrl(path) && path !== ':memory:' && !existsSync(path)) {
    const full = resolve(path);
    throw new UsageError(
      `GATEWAY_DATABASE: no database at ${path}${full === path ? '' : ` (${full})`}; set GATEWAY_DATABASE to the gateway's database file, or create a new one with: npm run gateway -- init`,
    );
  }
  return openStore(path);
}

/** `init`: creates the SQLite file (or, on PostgreSQL, the tables) before the first `serve`. */
async function init(args: string[]): Promise<void> {
  parseArgs({ args, strict: true, allowPositionals: false, options: {} });
  const path = database();
  const existed = isPostgresUrl(path) || existsSync(path);
  const store = await openStore(path);
  await store.close();
  const where = isPostgresUrl(path) ? 'the PostgreSQL database' : resolve(path);
  process.stdout.write(`${existed ? 'database up to date' : 'database created'}: ${where}\n`);
}

/** An extension list typed on the command line: a bad one is bad usage (exit 2). */
function extensionsArg(text: string, what: string): string[] {
  try {
    return parseExtensions(text);
  } catch (error) {
    if (error instanceof AdminError) throw new UsageError(`${what}: ${error.message}`);
    throw error;
  }
}

async function serve(args: string[]): Promise<void> {
  const config = serveConfig(args, env);
  const logger = jsonLogger();
  if (!config.ratePerSec) logger.info('per-agent rate limit off', {});
  const gateway = await startGateway({ ...config, logger });
  process.stdout.write(
    `${JSON.stringify({ origin: gateway.origin, platformBaseUrl: gateway.platformBaseUrl })}\n`,
  );
  const stop = () => {
    logger.info('gateway stopping', {});
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The person at the console, as the audit names them: who sudo'd, else the login. */
function whoRuns(): string {
  const name = env.SUDO_USER || env.USER || env.USERNAME;
  if (name) return name;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function admin(command: string, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      extensions: { type: 'string' },
      'allow-skills': { type: 'boolean' },
      agent: { type: 'string' },
      about: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  // GATEWAY_SCRYPT_LOG_N raises (or, for tests, lowers) the cost of hashes set from now on.
  const logN = Number(env.GATEWAY_SCRYPT_LOG_N ?? DEFAULT_SCRYPT.logN);
  if (!Number.isInteger(logN) || logN < 10 || logN > 20)
    throw new UsageError('GATEWAY_SCRYPT_LOG_N: 10–20');
  // Checked before the database is opened: bad usage is told as such.
  const extensions = extensionsArg(values.extensions ?? '', '--extensions');
  const store = await openExisting();
  const a = new Admin(store, { scrypt: { ...DEFAULT_SCRYPT, logN }, actor: `admin:${whoRuns()}` });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const arg = (i: number, what: string) => {
    const v = positionals[i];
    if (v === undefined) throw new UsageError(`missing ${what}`);
    return v;
  };
  try {
    const [sub] = positionals;
    if (command === 'audit') {
      const limit = Number(values.limit ?? 100);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit must be a positive integer');
      if (values.about !== undefined && !/^\S+$/.test(values.about))
        throw new UsageError('--about takes one agent name or extension');
      const query = { agent: values.agent, about: values.about, limit };
      for (const line of auditTable(await a.audit(query))) out(line);
      return;
    }
    if (command === 'address') {
      if (sub !== 'unlock') throw new UsageError('address unlock ADDRESS');
      await a.unlockAddress(arg(1, 'ADDRESS'));
      return out(`sign-in unlocked for address ${positionals[1]}`);
    }
    if (command === 'sessions') {
      if (sub !== 'revoke') throw new UsageError('sessions revoke NAME');
      out(`revoked ${await a.revokeSessions(arg(1, 'NAME'))} session(s)`);
      return;
    }
    switch (sub) {
      case 'add': {
        const password = process.stdin.isTTY ? null : await readStdin();
        await a.add(arg(1, 'NAME'), password || null, extensions, values['allow-skills'] ?? false);
        return out(
          `added ${positionals[1]}${password ? '' : ' (no password yet: agent password NAME)'}`,
        );
      }
      case 'password': {
        const name = arg(1, 'NAME');
        // Typed at a terminal the password would echo and wait for Ctrl-D: ask for a pipe.
        if (process.stdin.isTTY)
          throw new UsageError(
            `the password comes from stdin: read -rs PW; printf '%s' "$PW" | npm run gateway -- agent password ${name}`,
          );
        await a.setPassword(name, await readStdin());
        return out(`password set for ${name}; their sessions were ended and any lockout lifted`);
      }
      case 'unlock':
        await a.unlock(arg(1, 'NAME'));
        return out(`sign-in unlocked for ${positionals[1]}`);
      case 'desk': {
        const name = arg(1, 'NAME');
        const desk = await a.addDesk(name, arg(2, 'ADDRESS'));
        return out(`${desk} is a desk of ${name} for 30 days`);
      }
      case 'disable':
      case 'enable':
        await a.setDisabled(arg(1, 'NAME'), sub === 'disable');
        return out(`${sub}d ${positionals[1]}`);
      case 'remove':
        await a.remove(arg(1, 'NAME'));
        return out(`removed ${positionals[1]}`);
      case 'extensions':
        await a.setExtensions(
          arg(1, 'NAME'),
          extensionsArg(positionals[2] ?? '', 'agent extensions'),
        );
        return out(`extensions set for ${positionals[1]}`);
      case 'skills': {
        const flag = arg(2, 'on|off');
        if (flag !== 'on' && flag !== 'off') throw new UsageError('skills NAME on|off');
        await a.setAllowSkills(arg(1, 'NAME'), flag === 'on');
        return out(`skills editing ${flag} for ${positionals[1]}`);
      }
      case 'list':
        for (const line of await a.list()) out(line);
        return;
      case 'status':
        for (const line of await a.status(arg(1, 'NAME'))) out(line);
        return;
      case 'import': {
        const r = await a.importCsv(readFileSync(arg(1, 'FILE.csv'), 'utf8'));
        return out(`imported: ${r.added} added, ${r.updated} updated`);
      }
      default:
        throw new UsageError(`unknown agent command "${sub ?? ''}"`);
    }
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'serve') return serve(rest);
  if (command === 'init') return init(rest);
  if (command === 'agent' || command === 'audit' || command === 'sessions' || command === 'address')
    return admin(command, rest);
  throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `${error instanceof AdminError ? error.message : `gateway: ${errorText(error)}`}\n`,
  );
  process.exit(1);
});
