/**
 * The import boundaries `npm run lint` enforces (eslint.config.js), tried
 * with ESLint's own API on lines a future change could add: allow-lists per
 * layer, so the generated Prisma Client, `fs` without its `node:` prefix and
 * any new aggregate folder (docs/adding-an-aggregate.md's src/loans/) are
 * outside the layers below the modules without being named anywhere.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** The no-restricted-imports messages for `code` linted as if it were the file at `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

const importing = (name: string, from: string) => `import { ${name} } from '${from}';\nexport const x = ${name};\n`;

describe('import boundaries', () => {
  it('keeps deciders pure: no Prisma Client (package or generated), no fs, no read models', async () => {
    for (const [name, from] of [
      ['PrismaClient', '@prisma/client'],
      ['PrismaClient', '../generated/prisma-sqlite/client.js'],
      ['readFileSync', 'fs'],
      ['readFileSync', 'node:fs'],
      ['accountsProjection', './projections.js'],
      ['loadConfig', '../config.js'],
    ]) {
      expect(await restricted('src/accounts/decider.ts', importing(name!, from!)), from).toHaveLength(1);
    }
    expect(await restricted('src/accounts/decider.ts', `import { z } from 'zod';\nimport { fold } from '../domain/decider.js';\nimport { AccountCreated } from './events.js';\nexport const x = [z, fold, AccountCreated];\n`)).toEqual([]);
  }, 180_000);

  it('keeps every aggregate folder, named or not, out of the layers below the modules', async () => {
    expect(await restricted('src/eventstore/prisma-store.ts', importing('loansModule', '../loans/index.js'))).toHaveLength(1);
    expect(await restricted('src/eventstore/prisma-store.ts', importing('schema', '../graphql/schema.js'))).toHaveLength(1);
    expect(await restricted('src/auth/policy.ts', importing('loansModule', '../loans/index.js'))).toHaveLength(1);
    expect(await restricted('src/graphql/context.ts', importing('modules', '../modules.js'))).toHaveLength(1);
    expect(await restricted('src/app.ts', importing('modules', './modules.js'))).toHaveLength(1);
    expect(await restricted('src/eventstore/migrate.ts', importing('PROJECT_ROOT', '../paths.js'))).toEqual([]);
    expect(await restricted('src/graphql/context.ts', importing('actorId', '../auth/principal.js'))).toEqual([]);
  }, 180_000);
});
