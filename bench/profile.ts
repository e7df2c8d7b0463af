/**
 * A CPU profile of the server under one load, summarised: where the
 * server's time goes, by package (or our own folder) and by function.
 *
 *   node --import tsx bench/profile.ts <kind> [K] [seconds] [--auth]
 *   (kind: typename | deposit | account; BENCH_SERVER_ROOT for another build)
 *
 * The server runs from its build with `--cpu-prof`; the profile is written
 * when it exits (SIGTERM) and left in a temporary folder for a closer look
 * (Chrome DevTools, or speedscope).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, openBenchAccounts, runLoad, startLedger } from './processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the stack a source file belongs to. */
function area(url: string, name: string): string {
  if (url === '') return name === '(garbage collector)' || name === '(idle)' || name === '(program)' ? name : `(native) ${name}`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const ours = /dist\/src\/([^/]+)\//.exec(url);
  if (ours) return `ours: ${ours[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return url;
}

/** Keeps the samples taken between `from` and `to` (ms since the profile started): the load, not the start-up. */
export function window(profile: Profile, from: number, to: number): Profile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from * 1000 && at <= to * 1000) {
      samples.push(profile.samples[i]!);
      timeDeltas.push(profile.timeDeltas[i] ?? 0);
    }
  }
  return { ...profile, samples, timeDeltas, startTime: profile.startTime + from * 1000, endTime: profile.startTime + to * 1000 };
}

/** The layers a request passes through, for the µs-per-request table in BENCHMARKS.md. */
const LAYERS: Array<[string, RegExp]> = [
  ['SQLite executing statements (better-sqlite3, native)', /^(better-sqlite3|ours: eventstore:sqlite-statements)/],
  ['Prisma driver adapter (arguments, rows)', /^@prisma\//],
  ['event store (our batching, SQL text, rows, schemas)', /^(ours: eventstore|zod)/],
  ['command handler, decider, resolvers', /^ours: (commands|accounts|users|domain|auth)/],
  ['Apollo Server pipeline', /^(@apollo\/|negotiator|whatwg-mimetype)/],
  ['graphql-js (execution, variables, validation on a cache miss)', /^graphql$/],
  ['our HTTP server, guard, context', /^ours: (server|graphql)/],
  ['Express / body-parser / router (before)', /^(express|router|body-parser|raw-body|parseurl|type-is|finalhandler|send|on-finished|content-type|iconv-lite|depd|accepts|mime-types|media-typer|qs)$/],
  ['access log (pino)', /^(pino|sonic-boom|fast-redact|quick-format-unescaped|on-exit-leak-free|thread-stream)$/],
  ['metrics (prom-client)', /^prom-client$/],
  ['dataloader', /^dataloader$/],
  ['node:http, sockets, streams, timers (JS)', /^node: /],
  ['socket writes and other native calls', /^\(native\)/],
  ['garbage collector', /^\(garbage collector\)$/],
  ['idle (waiting for the load generator / the machine)', /^\(idle\)$/],
];

export function layers(profile: Profile, requests: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const { callFrame } = byId.get(profile.samples[i]!)!;
    let where = area(callFrame.url, callFrame.functionName);
    if (where === 'ours: eventstore' && callFrame.url.endsWith('sqlite-statements.js')) where = 'ours: eventstore:sqlite-statements';
    const layer = LAYERS.find(([, pattern]) => pattern.test(where))?.[0] ?? 'other (program, module loading, ...)';
    totals.set(layer, (totals.get(layer) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const busy = [...totals.entries()].filter(([name]) => !name.startsWith('idle')).reduce((sum, [, micros]) => sum + micros, 0);
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([name, micros]) => `| ${name} | ${(micros / requests).toFixed(1)} | ${name.startsWith('idle') ? '' : `${((100 * micros) / busy).toFixed(0)}%`} |`);
  return ['| layer | µs per request | share of busy time |', '|---|---:|---:|', ...rows, `| **busy total** | **${(busy / requests).toFixed(1)}** | 100% |`].join('\n');
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id)!;
    const where = area(callFrame.url, callFrame.functionName);
    areas.set(where, (areas.get(where) ?? 0) + micros);
    const fn = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/.*node_modules\//, '').replace(/.*dist\/src\//, 'src/')}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
  }
  const table = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`)
      .join('\n');
  return `total ${(total / 1000).toFixed(0)} ms sampled\n\nby area (self time):\n${table(areas)}\n\nby function (self time):\n${table(functions)}`;
}

const [kind = 'deposit', k = '64', seconds = '5'] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const auth = process.argv.includes('--auth');
const dir = mkdtempSync(join(tmpdir(), 'ledger-prof-'));
const token = auth ? await adminToken() : undefined;
const spawnedAt = performance.now();
const server = await startLedger({ DATABASE_URL: `file:${join(dir, 'ledger.db')}` }, { auth, cpuProf: dir });
await openBenchAccounts(server.url, Number(k), token);
// The load generator takes a moment to start: the window opens when its first requests can arrive.
const loadFrom = performance.now() - spawnedAt + 300;
const load = await runLoad(server.url, Number(k), Number(seconds), kind, token);
const loadTo = performance.now() - spawnedAt - 100;
await server.stop();
const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!;
console.log(`${kind} K=${k}: ${(load.count / load.seconds).toFixed(0)}/s, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms, ${load.count} requests (profile: ${join(dir, file)})`);
const whole = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
// Only the load's samples; requests in the window estimated from the measured rate.
const profile = window(whole, loadFrom, loadTo);
const requests = (load.count / load.seconds) * ((loadTo - loadFrom) / 1000);
console.log(`\nper request, by layer (self time in the load's window / ${requests.toFixed(0)} requests in it):\n${layers(profile, requests)}\n`);
console.log(summarise(profile));
process.exit(0);
