/** Runs the real server as a separate process, the way `npm start` does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { masterKeyEnv } from './app.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Limits that exist for clients across the internet, lifted for load that
 * comes from one test or benchmark process (tests about limits set their own).
 */
export const UNLIMITED = { MUTATION_RATE_LIMIT: '0', MAX_CONNECTIONS_PER_CLIENT: '100000' } as const;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly wsUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Tests run the sources through tsx; the benchmark sets LEDGER_SERVER=dist to
 * run the build, as `npm start` does (tsx's module hooks cost time per request).
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const args = process.env.LEDGER_SERVER === 'dist' ? ['dist/src/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...masterKeyEnv(env.DATABASE_URL ?? process.env.DATABASE_URL, { ...process.env, ...env }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = await new Promise<{ url: string; ws: string }>((resolve, reject) => {
    // A server that never says it listens is killed, not left running behind the test.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Server did not start:\n${output}`));
    }, 30_000);
    const check = () => {
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string; ws?: string };
        if (entry.msg === 'listening' && entry.url && entry.ws) {
          clearTimeout(timer);
          resolve({ url: entry.url, ws: entry.ws });
          return;
        }
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Server exited with ${code}:\n${output}`));
    });
  });
  return { child, url: listening.url, wsUrl: listening.ws, output: () => output, exited };
}
