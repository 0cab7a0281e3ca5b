/**
 * Which methods a path of the API answers (for 405 and its Allow header): read once from the
 * routes the app registered, so that it cannot drift from them.
 */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A route's path as a pattern: `:id` (with or without a `{…}` constraint) is one segment. */
function patternOf(path: string): RegExp {
  const segments = path.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : escapeRegExp(seg)));
  return new RegExp(`^${segments.join('/')}/?$`);
}

export function methodsByPath(
  routes: readonly { method: string; path: string }[],
): (path: string) => string[] {
  const table = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    const method = r.method.toUpperCase();
    if (!METHODS.has(method) || r.path.includes('*')) continue;
    let entry = table.get(r.path);
    if (entry === undefined) {
      entry = { re: patternOf(r.path), methods: new Set() };
      table.set(r.path, entry);
    }
    entry.methods.add(method);
  }
  const entries = [...table.values()];
  return (path) => {
    const found = new Set<string>();
    for (const e of entries) if (e.re.test(path)) for (const m of e.methods) found.add(m);
    if (found.has('GET')) found.add('HEAD');
    return [...found].sort();
  };
}
