import { test } from 'vitest';
import { checkObservationsByKey } from '../helpers/observations-by-key.js';

test('migration i13c on SQLite keeps every observation and revision, the key, and down() relinks', async () => {
  await checkObservationsByKey('sqlite');
});
