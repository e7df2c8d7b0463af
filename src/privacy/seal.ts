/**
 * The cryptography of personal data, all AES-256-GCM from node:crypto:
 * field values sealed with a person's data key, data keys wrapped by the
 * master key. Every sealed value has its own random 96-bit nonce and is bound
 * (as additional authenticated data) to whose it is, so a value or a wrapped
 * key copied onto another person does not open.
 */
import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

const NONCE = 12;
const TAG = 16;
/** Sealed field values start with this: anything else in a personal field is legacy plaintext. */
export const SEALED_PREFIX = 'pd1:';

/**
 * Nonces and data keys come from the system's CSPRNG a few kilobytes at a
 * time: each call of randomBytes costs about as much as the encryption it
 * feeds. Every byte is handed out once; the pool is refilled whole when used up.
 */
const pool = Buffer.allocUnsafe(4096);
let pooled = pool.length;

/** `size` fresh random bytes: a view into the pool, to be copied before the next call (as encryption does). */
function fresh(size: number): Buffer {
  if (pooled + size > pool.length) {
    randomFillSync(pool);
    pooled = 0;
  }
  return pool.subarray(pooled, (pooled += size));
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = fresh(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < NONCE + TAG) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = decipher.update(sealed.subarray(NONCE, sealed.length - TAG));
  const tail = decipher.final(); // empty in GCM mode: no copy then
  return tail.length === 0 ? body : Buffer.concat([body, tail]);
}

/** A fresh random data key (32 bytes). */
export const newDataKey = (): Buffer => Buffer.from(fresh(32));

/** A JSON value of a personal field, sealed for `subject` with their data key. */
export function sealValue(key: Buffer, subject: string, value: unknown): string {
  return SEALED_PREFIX + encrypt(key, Buffer.from(JSON.stringify(value), 'utf8'), `value:${subject}`).toString('base64');
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(SEALED_PREFIX);

/** The value `sealValue` sealed; throws when the key or the subject does not match. */
export function openValue(key: Buffer, subject: string, sealed: string): unknown {
  return JSON.parse(decrypt(key, Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'), `value:${subject}`).toString('utf8'));
}

/** A data key wrapped by a master key, bound to its subject (base64 text). */
export function wrapKey(master: Buffer, subject: string, dataKey: Buffer): string {
  return encrypt(master, dataKey, `key:${subject}`).toString('base64');
}

export function unwrapKey(master: Buffer, subject: string, wrapped: string): Buffer {
  return decrypt(master, Buffer.from(wrapped, 'base64'), `key:${subject}`);
}

/** Names a master key without revealing it (stored next to each wrapped key). */
export function masterKeyId(master: Buffer): string {
  return createHmac('sha256', master).update('ledger master key id').digest('hex').slice(0, 16);
}
