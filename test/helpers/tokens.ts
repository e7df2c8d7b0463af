/** Signs test tokens, and publishes public keys on a real JWKS endpoint. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';

export const SECRET = 'test-secret-that-is-at-least-32-bytes-long!';
export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'ledger-tests';

export interface Claims {
  sub?: string;
  roles?: string[];
  iss?: string;
  aud?: string;
  /** Seconds from now; negative for an expired token; null for a token without `exp`. Default one hour. */
  expiresIn?: number | null;
  /** Seconds from now until the token becomes valid (`nbf`); left out, no `nbf`. */
  notBefore?: number;
}

export async function signToken(key: Uint8Array | CryptoKey, claims: Claims, header: { alg: string; kid?: string } = { alg: 'HS256' }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ ...(claims.roles ? { roles: claims.roles } : {}) })
    .setProtectedHeader(header)
    .setIssuedAt(now - 5)
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE);
  if (claims.expiresIn !== null) jwt = jwt.setExpirationTime(now + (claims.expiresIn ?? 3600));
  if (claims.notBefore !== undefined) jwt = jwt.setNotBefore(now + claims.notBefore);
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  return jwt.sign(key);
}

/** HS256 with the shared test secret. */
export const hsToken = (claims: Claims, secret = SECRET) => signToken(new TextEncoder().encode(secret), claims);

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface KeyServer {
  readonly url: string;
  readonly rsa: CryptoKey;
  readonly ec: CryptoKey;
  close(): Promise<void>;
}

/** A JWKS endpoint publishing one RS256 and one ES256 public key. */
export async function startKeyServer(): Promise<KeyServer> {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    rsa: rsa.privateKey,
    ec: ec.privateKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
