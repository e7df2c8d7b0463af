/** Log files on disk: lines written with backpressure (gzip when the name ends in `.gz`), and read back one at a time. */
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';

export const gzipped = (path: string) => path.endsWith('.gz');

/** Writes `lines` to `path`; resolves once the file is complete on disk. */
export async function writeLogFile(path: string, lines: AsyncIterable<string>, options: { gzip?: boolean } = {}): Promise<void> {
  const source = Readable.from(lines);
  // Owner-only, as the database itself should be: the file holds every balance, sealed personal data and wrapped keys.
  const file = createWriteStream(path, { mode: 0o600 });
  if (options.gzip ?? gzipped(path)) await pipeline(source, createGzip(), file);
  else await pipeline(source, file);
}

/** The lines of `path` (gunzipped when it ends in `.gz`), without their newlines. */
export function readLogFile(path: string): AsyncIterable<string> {
  const file = createReadStream(path);
  const input = gzipped(path) ? file.pipe(createGunzip()) : file;
  file.on('error', (error) => input.destroy(error));
  return createInterface({ input, crlfDelay: Infinity });
}
