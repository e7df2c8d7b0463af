// Generates the Prisma clients for both providers (run by `npm install`).
// `prisma generate` never runs the native schema engine, but the CLI wants a
// file to point at before it will start, and would otherwise try to download
// one from a host many networks cannot reach. Any existing file will do.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };

for (const provider of ['sqlite', 'postgresql']) {
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', join(root, 'prisma', provider, 'schema.prisma')], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
