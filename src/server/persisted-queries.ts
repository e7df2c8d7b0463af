/**
 * Automatic persisted queries (APQ), checked before Apollo sees them.
 * Apollo Server answers a hash that does not match the query, or a
 * protocol version other than 1, with an error that carries no code, which
 * the masking in graphql/errors.ts then (rightly, for an error of unknown
 * origin) turned into INTERNAL_SERVER_ERROR. These are the client's
 * mistakes: they answer 400 with a stable code here. A hash alone that the
 * server has not seen goes on to Apollo, whose PERSISTED_QUERY_NOT_FOUND
 * (status 200) is what Apollo Client's persisted-query link waits for to
 * send the full query.
 */
import { createHash } from 'node:crypto';

export interface PersistedQueryRefusal {
  readonly code: 'BAD_REQUEST' | 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED' | 'PERSISTED_QUERY_HASH_MISMATCH';
  readonly message: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request's `extensions`: the body's for POST, the `extensions` parameter (JSON) for GET. */
function extensionsOf(method: string, body: unknown, search: string): unknown {
  if (method !== 'GET') return isObject(body) ? body.extensions : undefined;
  const raw = new URLSearchParams(search).get('extensions');
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined; // Apollo answers 400 BAD_REQUEST for extensions that are not JSON.
  }
}

function queryOf(method: string, body: unknown, search: string): unknown {
  if (method !== 'GET') return isObject(body) ? body.query : undefined;
  return new URLSearchParams(search).get('query') ?? undefined;
}

/** Why a request's persisted-query extension is refused, or undefined when it is fine (or absent). */
export function checkPersistedQuery(method: string, body: unknown, search: string): PersistedQueryRefusal | undefined {
  const extensions = extensionsOf(method, body, search);
  if (!isObject(extensions) || extensions.persistedQuery === undefined || extensions.persistedQuery === null) return undefined;
  const persisted = extensions.persistedQuery;
  if (!isObject(persisted)) {
    return { code: 'BAD_REQUEST', message: 'extensions.persistedQuery must be an object { version: 1, sha256Hash }' };
  }
  if (persisted.version !== 1) {
    return {
      code: 'PERSISTED_QUERY_VERSION_NOT_SUPPORTED',
      message: `Persisted query version ${JSON.stringify(persisted.version) ?? 'undefined'} is not supported; the only version is 1`,
    };
  }
  const hash = persisted.sha256Hash;
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
    return { code: 'BAD_REQUEST', message: 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query as 64 lowercase hexadecimal digits' };
  }
  const query = queryOf(method, body, search);
  // No query: a look-up by hash, answered by Apollo (found, or PERSISTED_QUERY_NOT_FOUND). A query that is not a string is Apollo's to refuse.
  if (typeof query !== 'string') return undefined;
  if (createHash('sha256').update(query).digest('hex') !== hash) {
    return { code: 'PERSISTED_QUERY_HASH_MISMATCH', message: 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query text sent with it' };
  }
  return undefined;
}
