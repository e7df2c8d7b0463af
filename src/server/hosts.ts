/**
 * Against DNS rebinding: a page on an attacker's name that resolves to this
 * server (127.0.0.1 on a developer's machine) is "same origin" to the
 * browser, so it could read the open API. Such requests carry the attacker's
 * name in `Host`. A request that comes from a browser (it has `Origin` or a
 * `Sec-Fetch-*` header, which every current browser sends) must name the
 * server by an IP address, `localhost`, or a name in ALLOWED_HOSTS; the
 * same-origin check in cors.ts relies on that `Host`.
 *
 * Clients that are not browsers (no such headers) may send any `Host`:
 * rebinding turns a browser into the attacker's client, while a program that
 * reaches the port can already send whatever it likes; against it, bind to a
 * private address and turn authentication on.
 */
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

/** True when the request was made by a browser (fetch, navigation, WebSocket from a page). */
export function fromBrowser(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-mode'] !== undefined || headers['sec-fetch-site'] !== undefined || headers['sec-fetch-dest'] !== undefined;
}

/** The host name of a `Host` header, without port or IPv6 brackets, lower case. */
function hostName(host: string): string | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(host.trim());
  if (!match) return undefined;
  return (match[1] ?? match[2]!).toLowerCase();
}

export function hostAllowed(headers: IncomingHttpHeaders, allowList: readonly string[]): boolean {
  if (!fromBrowser(headers) || allowList.includes('*')) return true;
  const name = headers.host === undefined ? undefined : hostName(headers.host);
  if (name === undefined) return false;
  // An address cannot be rebound; only names can.
  return isIP(name) !== 0 || allowList.includes(name);
}

export const HOST_REFUSED = 'Host not allowed: browsers must reach this server by an IP address, localhost, or a name in ALLOWED_HOSTS';
