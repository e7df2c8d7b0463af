import { loadConfig } from '../config.js';

/** Command-line options of the log tools: `--name value` pairs and bare flags. */
export function parseArgs(argv: readonly string[], known: { values: readonly string[]; flags?: readonly string[] }): Map<string, string | true> {
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.replace(/^--/, '');
    if (!arg.startsWith('--')) usage(`Unexpected argument ${arg}`);
    if (known.flags?.includes(name)) options.set(name, true);
    else if (known.values.includes(name)) {
      const value = argv[++i];
      if (value === undefined) usage(`--${name} needs a value`);
      options.set(name, value);
    } else usage(`Unknown option ${arg}`);
  }
  return options;
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

export function required(options: Map<string, string | true>, name: string, what: string): string {
  const value = options.get(name);
  if (typeof value !== 'string') usage(`--${name} ${what} is required`);
  return value;
}

/**
 * The database a tool works on: --database, else DATABASE_URL, else the
 * server's default. Read without the rest of the server's configuration: a
 * tool that moves a log needs no master key to read one (an import checks
 * the target's own, see src/privacy/target-master-key.ts).
 */
export function databaseOf(options: Map<string, string | true>): string {
  const given = options.get('database');
  if (typeof given === 'string') return given;
  return process.env.DATABASE_URL || loadConfig({ ...process.env, DATABASE_URL: undefined, LEDGER_MASTER_KEY: undefined, LEDGER_MASTER_KEY_PREVIOUS: undefined }).databaseUrl;
}
