/**
 * Failed sign-ins and wrong tokens per client address within a sliding window. After `max`
 * failures in the window, every further attempt from that address is refused (429) until the
 * oldest failure leaves the window, whether its credential is right or not: that is what makes
 * guessing slow.
 */
export interface FailureLimiter {
  /** Seconds to wait when the address is blocked, else null. */
  blockedFor(address: string): number | null;
  /** Records one failure of the address. */
  fail(address: string): void;
}

export function createFailureLimiter(opts: {
  max: number;
  windowMs: number;
  clock: () => Date;
  /** Addresses kept at most (the oldest are forgotten first), so a flood cannot grow memory. */
  maxAddresses?: number;
}): FailureLimiter {
  const failures = new Map<string, number[]>();
  const maxAddresses = opts.maxAddresses ?? 10_000;
  const recent = (address: string, now: number): number[] => {
    const list = (failures.get(address) ?? []).filter((t) => now - t < opts.windowMs);
    if (list.length === 0) failures.delete(address);
    else failures.set(address, list);
    return list;
  };
  return {
    blockedFor(address) {
      const now = opts.clock().getTime();
      const list = recent(address, now);
      if (list.length < opts.max) return null;
      const oldest = list[list.length - opts.max] ?? now;
      return Math.max(1, Math.ceil((oldest + opts.windowMs - now) / 1000));
    },
    fail(address) {
      const now = opts.clock().getTime();
      const list = recent(address, now);
      list.push(now);
      failures.delete(address);
      failures.set(address, list.slice(-opts.max * 2));
      if (failures.size > maxAddresses) {
        const first = failures.keys().next().value;
        if (first !== undefined) failures.delete(first);
      }
    },
  };
}
