/**
 * `npm run bench`: builds the app, then runs every benchmark in turn and prints its figures.
 * Benchmarks are not tests: they report numbers against the goals in the issues and README.
 * `npm run bench -- emulator session` runs only the named ones.
 */
import { execFileSync } from 'node:child_process';

const ALL = [
  'emulator',
  'session',
  'sip',
  'renderer',
  'calls',
  'ringing',
  'edge',
  'gateway',
  'call-quality',
  'history',
] as const;
const wanted = process.argv.slice(2).filter((a) => (ALL as readonly string[]).includes(a));
const names = wanted.length ? wanted : [...ALL];

execFileSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
const results: Record<string, Record<string, number | string>> = {};
for (const name of names) {
  const started = Date.now();
  process.stderr.write(`bench ${name}…\n`);
  const mod = (await import(`./${name}.ts`)) as { run(): Promise<Record<string, number | string>> };
  results[name] = await mod.run();
  process.stderr.write(`bench ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(`\n## ${name}`);
  console.table(results[name]);
}
console.log(JSON.stringify(results));
process.exit(0);
