/**
 * The repository tracks no `node_modules`, not even a symlink one (a
 * worktree once committed one): `npm ci` in a checkout whose node_modules is
 * a symlink empties the link's target before installing, which on a machine
 * where it points to a shared install wipes that install.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the repository', () => {
  it('tracks nothing named node_modules', () => {
    const tracked = execFileSync('git', ['ls-files', '--', 'node_modules', '**/node_modules'], { encoding: 'utf8' });
    expect(tracked.trim()).toBe('');
  });
});
