/**
 * Region keys (a BA Jobcenter number, an official regional key, or the key a file names): a letter
 * or digit, then letters, digits, '_', '.' or '-', at most 64 characters. One pattern for the
 * server's input schema, the dashboard's URL state and the wall's bookmark, so that a key the API
 * accepts is never dropped by a page (or the other way round).
 */
export const REGION_ID_MAX_LENGTH = 64;
export const REGION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
