/**
 * Processes the HTTP figures need: our server (from a build, as `npm start`
 * runs it; BENCH_SERVER_ROOT points at another checkout's build for
 * before/after runs), the plain node:http limit, and the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { UNLIMITED } from '../test/helpers/process.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A secret for the runs with authentication on (the load generator signs an admin token with it). */
export const BENCH_SECRET = 'bench-secret-that-is-at-least-32-bytes-long';

export interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

export interface Running {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function waitForListening(child: ChildProcess, what: string): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          // Our server logs a line per request at the default level: read and drop them, as a log shipper would.
          child.stdout!.removeAllListeners('data');
          child.stdout!.resume();
          resolve(entry.url);
          return;
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${output}`)));
  });
}

async function started(child: ChildProcess, what: string): Promise<Running> {
  const url = await waitForListening(child, what);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Our server at its defaults (log level info: one access line per request), `auth` turning HS256 tokens on. */
export function startLedger(env: Record<string, string>, options: { auth?: boolean; cpuProf?: string } = {}): Promise<Running> {
  const root = process.env.BENCH_SERVER_ROOT ?? ROOT;
  const args = [...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`] : []), 'dist/src/main.js'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, PORT: '0', ...UNLIMITED, ...(options.auth ? { AUTH_JWT_SECRET: BENCH_SECRET } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, 'server');
}

export function startPlain(): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/plain-server.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return started(child, 'plain server');
}

export function adminToken(): Promise<string> {
  return new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(BENCH_SECRET));
}

export function runLoad(url: string, concurrency: number, seconds: number, kind: string, token?: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'bench/load.ts', url, String(concurrency), String(seconds), kind, ...(token ? [token] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

export async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** The bench user and accounts bench-0 .. bench-{count-1}. */
export async function openBenchAccounts(url: string, count: number, token?: string): Promise<void> {
  await post(url, 'mutation { registerUser(input: {userId: "bench", email: "bench@example.com", name: "Bench"}) { user { id } } }', {}, token);
  for (let i = 0; i < count; i++) await post(url, 'mutation($id: ID!) { openAccount(input: {accountId: $id, ownerId: "bench"}) { account { id } } }', { id: `bench-${i}` }, token);
}
