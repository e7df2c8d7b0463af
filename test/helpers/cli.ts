/** The project's command-line tools (`src/cli/*.ts`) run as processes, the way `npm run <script>` runs them. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts `script` with `args`. Its environment is this one's, quiet, and with
 * no master key unless `env` gives one (the test run's own variables are not
 * the database's).
 */
export function startCli(script: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; exited: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', LEDGER_MASTER_KEY: '', LEDGER_MASTER_KEY_PREVIOUS: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

/** Runs `script` to its end. */
export const runCli = (script: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> => startCli(script, args, env).exited;
