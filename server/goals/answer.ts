/**
 * A cached answer as it goes over the wire: the JSON body's bytes and its ETag (the compressed
 * copies are added by server/http/cached-json.ts on the first request that accepts them). The goal
 * service's caches hold answers, not the objects they were serialised from: a region's goals are
 * 5 kB of JSON but several times that as objects, and a national installation caches thousands
 * of them (404 regions × the months asked for). Code that needs the object parses the bytes.
 */
import { createHash } from 'node:crypto';

export interface JsonAnswer<T> {
  /** UTF-8 JSON, in a buffer of exactly its size (not a slice of a shared pool). */
  readonly body: Buffer<ArrayBuffer>;
  readonly etag: string;
  br?: Uint8Array<ArrayBuffer>;
  gzip?: Uint8Array<ArrayBuffer>;
  /** Type only: the value the body holds. */
  readonly value?: T;
}

/** Serialises `value` once: its bytes and a weak ETag of them. */
export function jsonAnswer<T>(value: T): JsonAnswer<T> {
  const json = JSON.stringify(value);
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  body.write(json, 'utf8');
  const etag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, etag };
}

/** The value of an answer (a fresh object each time: callers may not share it). */
export function parseAnswer<T>(answer: JsonAnswer<T>): T {
  return JSON.parse(answer.body.toString('utf8')) as T;
}
