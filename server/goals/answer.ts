/**
 * A cached answer as it goes over the wire. The goal service's caches hold answers, not the objects
 * they were serialised from: a region's goals are 5 kB of JSON but several times that as objects,
 * and a national installation caches thousands of them (404 regions × the months asked for). Code
 * that needs the object parses the bytes.
 *
 * A large answer (COMPRESS_MIN_BYTES and more) is kept brotli-compressed only, about a fifth of its
 * size: browsers and the wall take brotli, gzip is made once from it on the first request that
 * wants it, and the uncompressed bytes for clients that take no encoding are kept in one bounded
 * cache of their own (RAW_BUDGET_BYTES), most recently used first. Holding every answer's JSON
 * bytes beside its compressed copies was most of the server's resident memory after a day of use
 * (bench/api.ts's RSS scenario; docs/benchmarks.md).
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants, gzipSync } from 'node:zlib';

/** Smaller answers go out as they are: compressing them saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

/**
 * Compresses `body` with settings for small per-answer work: brotli quality 5 (3 up to
 * QUICK_MAX_BYTES: a 5.5 kB goals answer in 36 instead of 63 µs for 1,214 instead of 1,118 bytes,
 * measured on the national data) with a window no larger than the body, gzip level 6 with a small
 * window and memory level. The encoder's memory
 * follows its window and hash sizes, and every call allocates it anew: with the defaults
 * (4 MB brotli window, 256 KB deflate state) compressing thousands of answers left the server's
 * resident memory 80–100 MB higher (measured with bench/api.ts's RSS scenario).
 */
export function compressBody(body: Uint8Array, encoding: Encoding): Uint8Array<ArrayBuffer> {
  const window = Math.min(22, Math.max(16, Math.ceil(Math.log2(body.byteLength + 1))));
  const out =
    encoding === 'br'
      ? brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: body.byteLength <= QUICK_MAX_BYTES ? 3 : 5,
            [constants.BROTLI_PARAM_LGWIN]: window,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
          },
        })
      : gzipSync(body, { level: 6, windowBits: Math.min(15, window), memLevel: 7 });
  // A copy of exactly the compressed size: zlib's output is a view into its 16 KB output chunk,
  // and a cached view would keep the whole chunk alive (16 KB per cached answer of 1 KB).
  return new Uint8Array(out);
}

export interface JsonAnswer<T> {
  /** Byte length of the JSON. */
  readonly size: number;
  readonly etag: string;
  /** The JSON bytes of a small answer (below COMPRESS_MIN_BYTES); null for a large one. */
  readonly small: Buffer<ArrayBuffer> | null;
  /** The brotli-compressed JSON of a large answer; null for a small one. */
  readonly br: Uint8Array<ArrayBuffer> | null;
  /** gzip of a large answer, made on the first request that asks for it. */
  gzip?: Uint8Array<ArrayBuffer>;
  /** Type only: the value the body holds. */
  readonly value?: T;
}

/** Serialises `value` once: its bytes (compressed when large) and a weak ETag of them. */
export function jsonAnswer<T>(value: T): JsonAnswer<T> {
  return jsonTextAnswer<T>(JSON.stringify(value));
}

/** The answer of `json`, the JSON text of a `T` (callers that hold the text already). */
export function jsonTextAnswer<T>(json: string): JsonAnswer<T> {
  const size = Buffer.byteLength(json);
  // Exactly its size, not a slice of Node's shared pool (a cached slice would keep the pool alive).
  const bytes = Buffer.allocUnsafeSlow(size);
  bytes.write(json, 'utf8');
  const etag = `W/"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;
  return size < COMPRESS_MIN_BYTES
    ? { size, etag, small: bytes, br: null }
    : { size, etag, small: null, br: compressBody(bytes, 'br') };
}

/** Answers up to this size are compressed at brotli quality 3, larger ones at 5 (compressBody). */
const QUICK_MAX_BYTES = 16 * 1024;

/** The JSON bytes of `answer`, decompressed each time for a large one (not cached). */
function decoded(answer: JsonAnswer<unknown>): Buffer {
  if (answer.small !== null) return answer.small;
  if (answer.br === null) throw new Error('answer without bytes');
  return brotliDecompressSync(answer.br);
}

/** The value of an answer (a fresh object each time: callers may not share it). */
export function parseAnswer<T>(answer: JsonAnswer<T>): T {
  return JSON.parse(decoded(answer).toString('utf8')) as T;
}

/** Uncompressed copies of large answers for clients without an encoding, most recent last. */
const RAW_BUDGET_BYTES = 32 * 1024 * 1024;
const rawCopies = new Map<JsonAnswer<unknown>, Buffer>();
let rawBytesHeld = 0;

/** The JSON bytes to send to a client that takes no encoding. */
export function rawBody(answer: JsonAnswer<unknown>): Buffer {
  if (answer.small !== null) return answer.small;
  let bytes = rawCopies.get(answer);
  if (bytes === undefined) {
    // A copy of exactly its size: zlib's output is a view into its 16 KB output chunk, and a kept
    // view would hold the whole chunk (counted here as the answer's size only).
    bytes = Buffer.allocUnsafeSlow(answer.size);
    decoded(answer).copy(bytes);
    rawBytesHeld += bytes.byteLength;
    for (const [old, b] of rawCopies) {
      if (rawBytesHeld <= RAW_BUDGET_BYTES) break;
      rawCopies.delete(old);
      rawBytesHeld -= b.byteLength;
    }
  } else {
    rawCopies.delete(answer);
  }
  rawCopies.set(answer, bytes);
  return bytes;
}

/** The bytes of a large answer in `encoding` (gzip made once from the brotli copy). */
export function encodedBody(answer: JsonAnswer<unknown>, encoding: Encoding): Uint8Array<ArrayBuffer> | null {
  if (answer.br === null) return null;
  if (encoding === 'br') return answer.br;
  answer.gzip ??= compressBody(decoded(answer), 'gzip');
  return answer.gzip;
}
