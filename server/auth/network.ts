/** The client's address, and whether it belongs to a trusted reverse proxy. */
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.js';

/** '::ffff:127.0.0.1' → '127.0.0.1' (IPv4 clients on a dual-stack socket). */
export function normaliseAddress(addr: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m?.[1] ?? addr;
}

/** The address of the TCP peer; 'local' under `app.request()` in tests (no socket). */
export function peerAddress(c: Context<AppEnv>): string {
  const raw = c.env?.incoming?.socket?.remoteAddress;
  return raw ? normaliseAddress(raw) : 'local';
}

/** A set of addresses and CIDR ranges (AUTH_PROXY_TRUSTED). */
export interface AddressSet {
  has(address: string): boolean;
  readonly empty: boolean;
}

export function addressSet(entries: readonly string[]): AddressSet {
  const list = new BlockList();
  for (const e of entries) {
    const [addr = '', bits] = e.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return {
    empty: entries.length === 0,
    has(address) {
      const a = normaliseAddress(address);
      const v = isIP(a);
      if (v === 0) return false;
      return list.check(a, v === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The client's address for rate limits and the audit log: the peer, or, when the peer is a
 * trusted proxy, the last address it put into X-Forwarded-For.
 */
export function clientAddress(c: Context<AppEnv>, trusted: AddressSet): string {
  const peer = peerAddress(c);
  if (trusted.empty || !trusted.has(peer)) return peer;
  const xff = c.req.header('x-forwarded-for');
  const last = xff?.split(',').pop()?.trim();
  return last && isIP(normaliseAddress(last)) ? normaliseAddress(last) : peer;
}
