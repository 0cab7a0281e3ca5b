/**
 * One region key, three readers: the API's schema, the dashboard's URL state and the wall's
 * bookmark accept exactly the same keys (core/region-id.ts). Before, the dashboard dropped keys
 * with '.' or longer than 32 characters that the API and the wall accept (falling back to the
 * default region), and took keys starting with '_' or '-' that the API answers with 400.
 */
import { describe, expect, test } from 'vitest';
import { regionId } from '../../server/http/schemas';
import { parseCommon } from '../../web/lib/url-state';
import { parseWallParams } from '../../web/wall/params';

const ACCEPTED = ['01060', 't11522', '99001', 'a.b', 'Kreis_1-2', 'x', 'x'.repeat(64)];
const REJECTED = ['_x', '-x', '.x', 'x'.repeat(65), 'a b', 'a/b', '<script>', 'ä1', 'x;y'];

describe('region keys', () => {
  test.each(ACCEPTED)('%s is a region key for the API, the dashboard and the wall', (key) => {
    expect(regionId.safeParse(key).success).toBe(true);
    expect(parseCommon(new URLSearchParams({ region: key })).region).toBe(key);
    expect(parseWallParams(`?${new URLSearchParams({ region: key })}`).region).toBe(key);
  });

  test.each(REJECTED)('%s is a region key for none of them', (key) => {
    expect(regionId.safeParse(key).success).toBe(false);
    expect(parseCommon(new URLSearchParams({ region: key })).region).toBeNull();
    expect(parseWallParams(`?${new URLSearchParams({ region: key })}`).region).toBeNull();
  });
});
