/**
 * Prisma's schema engine, compiled to WebAssembly, driven through a driver
 * adapter. This is what `prisma migrate deploy` does, without the native
 * engine binary the CLI would download (its host is unreachable on many
 * networks). Loaded through the package's JS glue so Node needs no
 * experimental flag for importing .wasm modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';

// The WebAssembly global, typed here to keep the DOM library out of the build.
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
type Glue = typeof glue & { __wbg_set_wasm(exports: Record<string, unknown>): void };
export type SchemaEngine = Awaited<ReturnType<typeof glue.SchemaEngine.new>>;

let compiled: object | undefined;
let started = false;

function ensureWasm(): void {
  if (started) return;
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  compiled ??= new WebAssembly.Module(readFileSync(join(packageDir, 'schema_engine_bg.wasm')));
  // The engine arms timers it never clears (a 10 s timeout per PostgreSQL
  // query); unref them so a finished migration does not hold the process open.
  const imports: Record<string, unknown> = { ...glue };
  for (const name of Object.keys(imports)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
  }
  const instance = new WebAssembly.Instance(compiled, { './schema_engine_bg.js': imports });
  (glue as Glue).__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  started = true;
}

export async function openSchemaEngine(
  schemaText: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  ensureWasm();
  return glue.SchemaEngine.new(
    { datamodels: [['schema.prisma', schemaText]] },
    log,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
