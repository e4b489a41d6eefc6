import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Where the HTTP server listens and the token that unlocks its internals. */
export interface HttpAccess {
  /** The host the server binds (HTTP_HOST). */
  host: string;
  /** HTTP_ADMIN_TOKEN, or null when unset. */
  adminToken: string | null;
}

/** What one request may see. */
export interface RequestAccess {
  /** Carried `Authorization: Bearer <HTTP_ADMIN_TOKEN>`. */
  admin: boolean;
  /** Sent an Authorization header at all (asked for the detail). */
  askedForDetail: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** True when `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.trim().toLowerCase());
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks the bearer token of each request in constant time: both sides are
 * hashed first, so neither the token's length nor a common prefix changes how
 * long the comparison takes.
 */
export function adminGate(adminToken: string | null): (req: IncomingMessage) => RequestAccess {
  const expected = adminToken ? digest(adminToken) : null;
  return (req) => {
    const header = req.headers.authorization;
    if (!header) return { admin: false, askedForDetail: false };
    const m = /^Bearer +(\S+) *$/i.exec(header);
    // Hash even without a token configured or a malformed header, so every refusal costs the same.
    const given = digest(m?.[1] ?? '');
    const admin = expected !== null && m !== null && timingSafeEqual(given, expected);
    return { admin, askedForDetail: true };
  };
}
