/** Where the project's own files are, whether running from src/ (tsx) or from the build in dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'schema.graphql')) && existsSync(join(dir, 'prisma'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('Cannot find the project root (schema.graphql and prisma/)');
}

export const PROJECT_ROOT = findRoot();
