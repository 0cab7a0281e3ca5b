/**
 * The Vergleichstyp benchmark of the AIP: keep the share of long-term recipients (LZB / ELB) below
 * the average of Jobcenters of the same IAB comparison type.
 */

export interface LzbShareInput {
  lzb: number | null;
  elb: number | null;
}

export interface LzbShareComparison {
  /** 100 × LZB / ELB of the own region; null when unknown. */
  ownSharePct: number | null;
  /** Unweighted mean of the other regions' shares (each Jobcenter counts once, as in a ranking). */
  peerMeanPct: number | null;
  /** How many other regions entered the mean (those with LZB and a positive ELB). */
  peerCount: number;
  /**
   * True when the own share lies strictly below the peer mean (the AIP's aim), false when not;
   * null when either share is unknown (no verdict can be given, and "not below" would be one).
   */
  below: boolean | null;
}

/** 100 × LZB / ELB, or null when either is missing or ELB is not positive. */
export function lzbSharePct(x: LzbShareInput): number | null {
  if (x.lzb === null || x.elb === null || !Number.isFinite(x.lzb) || !Number.isFinite(x.elb) || x.elb <= 0) {
    return null;
  }
  return (100 * x.lzb) / x.elb;
}

/**
 * Compares the own LZB share with the unweighted mean share of the other regions. Unweighted,
 * because the benchmark asks how this Jobcenter stands among similar Jobcenters, not what share
 * the pooled peer population has (a weighted mean would let one large Jobcenter dominate).
 * Regions without usable figures are left out of the mean (and of `peerCount`).
 */
export function lzbShareComparison(
  own: LzbShareInput,
  others: readonly (LzbShareInput & { regionId: string })[],
): LzbShareComparison {
  const ownSharePct = lzbSharePct(own);
  const shares = others.map(lzbSharePct).filter((s): s is number => s !== null);
  const peerMeanPct = shares.length > 0 ? shares.reduce((a, b) => a + b, 0) / shares.length : null;
  return {
    ownSharePct,
    peerMeanPct,
    peerCount: shares.length,
    below: ownSharePct === null || peerMeanPct === null ? null : ownSharePct < peerMeanPct,
  };
}
