/**
 * A database that cannot be reached (PostgreSQL restarting, failing over, refusing connections,
 * out of connection slots): not a fault of the request, so the API answers 503 with Retry-After
 * (a load balancer retries elsewhere) rather than 500.
 */

/** SQLSTATEs of a server that ends or refuses connections, and Node's socket errors. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown (a terminated backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/** Messages of node-postgres that carry no code. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|timeout exceeded when trying to connect|is not currently accepting connections/i;

export function isUnavailableError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
  // Class 08: connection exceptions.
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  if (code === '55000' || code === '') return UNAVAILABLE_MESSAGE.test(e.message);
  return false;
}
