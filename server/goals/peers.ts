/**
 * The Vergleichstyp comparison (LZB share against the mean of the same comparison type). The
 * members' figures at a month are read once per type, month and data version (one query for the
 * whole type); each region's answer is then its own row against the others of that table, so
 * answering every region costs one read per type and month, not one per peer.
 */
import type { Kysely } from 'kysely';
import { readTotalsAt } from '../db/repositories/observations.js';
import type { Database, Region } from '../db/schema.js';
import { type LzbShareComparison, lzbShareComparison, lzbSharePct } from '../domain/comparison.js';
import type { Month } from '../domain/types.js';

export interface PeerMember {
  id: string;
  name: string;
  lzb: number | null;
  elb: number | null;
  sharePct: number | null;
}

/** Every member of one Vergleichstyp with its figures at one month, ordered by id. */
export interface PeerTable {
  type: string;
  month: Month;
  members: PeerMember[];
}

/** The base counts the share is made of. */
const CODES = { lzb: 'LZB', elb: 'ELB' } as const;

/**
 * The members of comparison type `type` at `month`: the regions of that type that are, like the
 * region compared, sample regions (`sample` 1) or real ones (0) — invented figures never stand
 * beside real ones.
 */
export async function readPeerTable(
  db: Kysely<Database>,
  regions: Iterable<Region>,
  peers: { type: string; sample: number },
  month: Month,
): Promise<PeerTable> {
  const { type, sample } = peers;
  const inType = [...regions]
    .filter((r) => r.comparison_type === type && r.sample === sample)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const values = await readTotalsAt(
    db,
    inType.map((r) => r.id),
    month,
    [CODES.lzb, CODES.elb],
  );
  const members = inType.map((r) => {
    const v = values.get(r.id);
    const lzb = v?.get(CODES.lzb) ?? null;
    const elb = v?.get(CODES.elb) ?? null;
    return { id: r.id, name: r.name, lzb, elb, sharePct: lzbSharePct({ lzb, elb }) };
  });
  return { type, month, members };
}

export interface RegionComparison extends LzbShareComparison {
  own: { lzb: number | null; elb: number | null };
  peers: { id: string; name: string; sharePct: number | null }[];
}

/** A region against the other members of its type's table (the region itself left out). */
export function compareWithPeers(
  regionId: string,
  own: { lzb: number | null; elb: number | null },
  table: PeerTable | null,
): RegionComparison {
  const others = table?.members.filter((m) => m.id !== regionId) ?? [];
  return {
    own,
    peers: others.map((m) => ({ id: m.id, name: m.name, sharePct: m.sharePct })),
    ...lzbShareComparison(
      own,
      others.map((m) => ({ regionId: m.id, lzb: m.lzb, elb: m.elb })),
    ),
  };
}

/** The own figures of a region at a month (one small read; from the table when it is a member). */
export async function ownFigures(
  db: Kysely<Database>,
  regionId: string,
  month: Month | null,
  table: PeerTable | null,
): Promise<{ lzb: number | null; elb: number | null }> {
  if (month === null) return { lzb: null, elb: null };
  const member = table?.members.find((m) => m.id === regionId);
  if (member) return { lzb: member.lzb, elb: member.elb };
  const v = (await readTotalsAt(db, [regionId], month, [CODES.lzb, CODES.elb])).get(regionId);
  return { lzb: v?.get(CODES.lzb) ?? null, elb: v?.get(CODES.elb) ?? null };
}
