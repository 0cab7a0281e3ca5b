/** Items by a key, each list in the items' order (Map.groupBy, which Node 20 lacks). */
export function groupBy<T, K, V = T>(
  items: Iterable<T>,
  key: (item: T) => K,
  value?: (item: T) => V,
): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const v = value ? value(item) : (item as unknown as V);
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}
