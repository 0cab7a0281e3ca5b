/**
 * Cached answers (server/goals/answer.ts): a large answer is held brotli-compressed only; every
 * representation a client can get (brotli, gzip, none) and the parsed value equal the JSON.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import {
  COMPRESS_MIN_BYTES,
  encodedBody,
  jsonAnswer,
  parseAnswer,
  rawBody,
} from '../../server/goals/answer.js';

const large = {
  goals: Array.from({ length: 60 }, (_, i) => ({
    id: `K2-${i}`,
    label: 'Integrationsquote ä',
    value: i / 7,
  })),
};

describe('cached answers', () => {
  test('a large answer keeps only the brotli bytes; brotli, gzip, none and the value equal the JSON', () => {
    const json = JSON.stringify(large);
    expect(Buffer.byteLength(json)).toBeGreaterThan(COMPRESS_MIN_BYTES);
    const a = jsonAnswer(large);
    expect(a.small).toBeNull();
    expect(a.size).toBe(Buffer.byteLength(json));
    expect(a.br?.byteLength).toBeLessThan(a.size / 3);
    expect(brotliDecompressSync(encodedBody(a, 'br') ?? new Uint8Array()).toString()).toBe(json);
    const gz = encodedBody(a, 'gzip');
    expect(gunzipSync(gz ?? new Uint8Array()).toString()).toBe(json);
    expect(encodedBody(a, 'gzip')).toBe(gz); // made once
    expect(rawBody(a).toString()).toBe(json);
    expect(rawBody(a)).toBe(rawBody(a));
    // The kept copy holds exactly its bytes, not zlib's 16 KB output chunk it was decompressed into.
    expect(rawBody(a).buffer.byteLength).toBe(a.size);
    expect(parseAnswer(a)).toEqual(large);
    expect(parseAnswer(a)).not.toBe(parseAnswer(a)); // a fresh object each time
  });

  test('a small answer keeps its JSON bytes and has no compressed form', () => {
    const a = jsonAnswer({ ok: true });
    expect(a.small?.toString()).toBe('{"ok":true}');
    expect(a.br).toBeNull();
    expect(encodedBody(a, 'gzip')).toBeNull();
    expect(rawBody(a)).toBe(a.small);
    expect(a.etag).toMatch(/^W\/"[\w-]{22}"$/);
    expect(jsonAnswer({ ok: true }).etag).toBe(a.etag);
  });
});
