/**
 * What may be shown to whom. Pure functions, no I/O.
 * - URLs are shown and logged without user info and query: a SOURCE_URLS entry with
 *   `?token=…` or `user:pass@` becomes `https://host/path?…`.
 * - Anonymous readers see file names, not server paths, and no e-mail addresses.
 */

/** `https://user:pw@host/a/b.xlsx?token=x#f` → `https://host/a/b.xlsx?…`. Not a URL: unchanged. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return url;
  const hidden = u.search !== '' || u.hash !== '';
  return `${u.protocol}//${u.host}${u.pathname}${hidden ? '?…' : ''}`;
}

/** A connection URL (database, SMTP) with its password as `***`, for logs; not a URL: `scheme://(invalid URL)`. */
export function maskPassword(url: string, scheme: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return `${scheme}://(invalid URL)`;
  }
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s'"<>]+/g;

/** Every http(s) URL inside a text, redacted (error messages quote the URL they failed on). */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (u) => redactUrl(u));
}

/** The last segment of a path (`/srv/zm/inbox/a.csv` → `a.csv`); URLs and plain names unchanged. */
export function fileName(path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/**
 * A token with a directory part (`/srv/a.csv`, `data/inbox/x.csv`, `C:\\x\\y.csv`) reduced to its
 * file name. Tokens are split at blanks and quotes (linear; no backtracking pattern).
 */
function stripDirectories(text: string): string {
  return text
    .split(/([\s'"()]+)/)
    .map((tok) => {
      if (tok.startsWith('http://') || tok.startsWith('https://')) return tok;
      if (!tok.includes('/') && !tok.includes('\\')) return tok;
      const trail = /[,:;.]$/.test(tok) ? tok.slice(-1) : '';
      const name = fileName(trail ? tok.slice(0, -1) : tok);
      return `${name}${trail}`;
    })
    .join('');
}

/**
 * A text for anonymous readers: the known `paths` and any other path-like part reduced to file
 * names, URLs redacted, e-mail addresses hidden.
 */
export function redactForAnonymous(text: string, paths: readonly string[] = []): string {
  let out = redactUrlsIn(text);
  for (const p of paths) if (p.includes('/') || p.includes('\\')) out = out.split(p).join(fileName(p));
  return hideEmails(stripDirectories(out));
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;

/** The placeholder anonymous readers see instead of an e-mail address. */
export const HIDDEN_EMAIL = '(E-Mail-Adresse verborgen)';

export function hideEmails(text: string): string {
  return text.replace(EMAIL, HIDDEN_EMAIL);
}
