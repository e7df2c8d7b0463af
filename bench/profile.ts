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
const server = await startLedger({ DATABASE_URL: `file:${join(dir, 'ledger.db')}` }, { auth, cpuProf: dir });
await openBenchAccounts(server.url, Number(k), token);
const load = await runLoad(server.url, Number(k), Number(seconds), kind, token);
await server.stop();
const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!;
console.log(`${kind} K=${k}: ${(load.count / load.seconds).toFixed(0)}/s, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms, ${load.count} requests (profile: ${join(dir, file)})`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
console.log(`${(load.count ? ((profile.endTime - profile.startTime) / load.count) : 0).toFixed(0)} µs of server wall time per request over the whole profile`);
console.log(summarise(profile));
process.exit(0);
