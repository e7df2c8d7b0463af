/**
 * Request bodies for POST /graphql, read the way express.json() read them
 * (the server no longer runs Express on this path): JSON only for
 * `application/json` in a UTF charset, at most 1 MB (413 past that, checked
 * on the declared length first and on the bytes as they arrive), an empty
 * body as `{}`, and a body that is not a JSON object or array as 400.
 * Other content types are not read as JSON: Apollo then refuses the request
 * (missing body, or its CSRF check).
 */
import type { IncomingMessage } from 'node:http';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const BODY_LIMIT = '1mb';

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const tooLarge = () => new BodyError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${BODY_LIMIT}`);
const notJson = () => new BodyError(400, 'BAD_REQUEST', 'Request body is not valid JSON');

/** `application/json` with no charset or a UTF one; anything else is not ours to parse. */
function jsonMediaType(contentType: string | undefined): boolean | 'bad-charset' {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (essence !== 'application/json') return false;
  if (semicolon < 0) return true;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8' ? true : 'bad-charset';
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/** The raw bytes, or a BodyError for a body over the limit. */
function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Node discards the rest of the body once the answer is sent, and the connection stays usable.
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A client that goes away mid-body: nothing more will come.
    const onClose = () => onError(new Error('request closed before its body ended'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The parsed JSON body, `undefined` when there is none to parse, or a BodyError. */
export async function readJsonBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const json = jsonMediaType(req.headers['content-type']);
  if (json === false) return undefined;
  if (json === 'bad-charset') throw new BodyError(415, 'BAD_REQUEST', 'Request body must be UTF-8');
  if (req.headers['content-encoding'] !== undefined && req.headers['content-encoding'] !== 'identity') {
    throw new BodyError(415, 'BAD_REQUEST', 'Request body must not be compressed');
  }
  const text = (await readBytes(req, limit)).toString('utf8');
  if (text.length === 0) return {};
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') throw notJson();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw notJson();
  }
}
