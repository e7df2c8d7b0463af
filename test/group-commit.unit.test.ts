/** Group commit: one flush per batch, and what happens to a batch that fails. */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/eventstore/group-commit.js';

class MaybeCarriedOut extends Error {}

/** A queue whose flush fails any batch holding `bad`, with `error`, and records every batch it was given. */
function queue(error: (items: number[]) => Error) {
  const flushed: number[][] = [];
  const commit = new GroupCommit<number, string>(
    async (items) => {
      flushed.push(items);
      if (items.includes(13)) throw error(items);
      return items.map((item) => `ok ${item}`);
    },
    10,
    (failure) => !(failure instanceof MaybeCarriedOut),
  );
  return { commit, flushed };
}

describe('group commit', () => {
  it('retries the items of a failed batch one by one, so a bad item only fails itself', async () => {
    const { commit, flushed } = queue(() => new Error('bad item'));
    const results = await Promise.allSettled([1, 13, 2].map((item) => commit.submit(item)));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'failed'))).toEqual(['ok 1', 'failed', 'ok 2']);
    expect(flushed).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('never retries a batch that may have been carried out', async () => {
    const { commit, flushed } = queue(() => new MaybeCarriedOut());
    const results = await Promise.allSettled([1, 13, 2].map((item) => commit.submit(item)));
    expect(results.every((result) => result.status === 'rejected' && result.reason instanceof MaybeCarriedOut)).toBe(true);
    expect(flushed).toEqual([[1, 13, 2]]);
  });
});
