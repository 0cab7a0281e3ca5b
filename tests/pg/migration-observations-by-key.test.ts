import { test } from 'vitest';
import { checkObservationsByKey } from '../helpers/observations-by-key.js';

test('migration i13c on PostgreSQL keeps every observation and revision, the key, and down() relinks', async () => {
  await checkObservationsByKey('postgres');
}, 30_000);
