/**
 * main tracks `node_modules` as a symlink to /work/main/node_modules
 * (added in 00b1362; .gitignore's `node_modules/` only ignores directories).
 * `npm ci` in a checkout whose node_modules is a symlink empties the link's
 * target before installing, so every `.ci/run` (npm ci) on a fresh clone on
 * the project's machines wipes the node_modules that /work/main and every
 * worktree share. Elsewhere the link dangles.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the repository', () => {
  it('tracks nothing named node_modules', () => {
    const tracked = execFileSync('git', ['ls-files', '--', 'node_modules', '**/node_modules'], { encoding: 'utf8' });
    expect(tracked.trim()).toBe('');
  });
});
