/** Page sizes and cursors. Cursors are global positions written as decimal strings. */
import { badInput } from '../domain/errors.js';

export interface PageLimits {
  /** Items in a page when `first` is left out. */
  readonly defaultPageSize: number;
  /** Largest `first` accepted. */
  readonly maxPageSize: number;
}

/** `first` (or `last`, named by `field`) checked against the limits; left out, the default page size. */
export function pageSize(first: number | null | undefined, limits: PageLimits, field = 'first'): number {
  if (first === null || first === undefined) return limits.defaultPageSize;
  if (first < 0 || first > limits.maxPageSize) {
    throw badInput(`${field} must be between 0 and ${limits.maxPageSize}`, { field, maxPageSize: limits.maxPageSize });
  }
  return first;
}

const POSITION = /^\d{1,19}$/;
/** Positions are BIGINT (SQLite INTEGER) columns: nothing above this can name one. */
export const MAX_POSITION = 2n ** 63n - 1n;

/** Parses an `after` cursor (a global position); null/undefined means from the start. */
export function parseCursor(after: string | null | undefined, field = 'after'): bigint {
  if (after === null || after === undefined) return 0n;
  const position = POSITION.test(after) ? BigInt(after) : undefined;
  if (position === undefined || position > MAX_POSITION) {
    throw badInput(`${field} must be a cursor from a previous page (a position like "42", at most ${MAX_POSITION})`, { field });
  }
  return position;
}

export interface Page<Node> {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function toPage<Node>(nodes: readonly Node[], hasNextPage: boolean, cursorOf: (node: Node) => bigint, hasPreviousPage = false): Page<Node> {
  const edges = nodes.map((node) => ({ cursor: cursorOf(node).toString(), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
