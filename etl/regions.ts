/**
 * Which region a file means. A region keeps several keys (the Kreis key `01060`, the BA Jobcenter
 * id `t11522`); files name it by either, or by the BA's label (`Segeberg, JC`), a Kreis or Land
 * name. The resolver works on plain reference data (no database handle), so it runs wherever a
 * file is parsed.
 */
import type { ObservationRows } from './rows.js';
import { FileRejection } from './types.js';
import { parseRegionKey } from './values.js';

export interface JobcenterEntry {
  /** BA id, `t` + five digits. */
  id: string;
  nameBa: string;
  /** Derived (not official) Kreis key and name. */
  kreisAgs: string | null;
  kreisName: string | null;
}

/** What the resolver knows: the regions in the database, their aliases and the directory. */
export interface ReferenceData {
  regions: { id: string; name: string }[];
  aliases: { alias: string; regionId: string }[];
  jobcenters: JobcenterEntry[];
}

export interface ResolvedRegion {
  id: string;
  name: string | null;
  /** Keys to remember for the region when it is new (or still lacks them). */
  aliases: string[];
}

/** The Länder by their official two-digit key (for `Land:` lines of BA tables). */
const LAENDER: ReadonlyArray<readonly [string, string]> = [
  ['01', 'Schleswig-Holstein'],
  ['02', 'Hamburg'],
  ['03', 'Niedersachsen'],
  ['04', 'Bremen'],
  ['05', 'Nordrhein-Westfalen'],
  ['06', 'Hessen'],
  ['07', 'Rheinland-Pfalz'],
  ['08', 'Baden-Württemberg'],
  ['09', 'Bayern'],
  ['10', 'Saarland'],
  ['11', 'Berlin'],
  ['12', 'Brandenburg'],
  ['13', 'Mecklenburg-Vorpommern'],
  ['14', 'Sachsen'],
  ['15', 'Sachsen-Anhalt'],
  ['16', 'Thüringen'],
];

/** The kind of a region new to the database: a Land by its two-digit key, else a Jobcenter (keyed by its Kreis key or BA id). */
export function regionKind(id: string): 'land' | 'jobcenter' {
  return LAENDER.some(([key]) => key === id) ? 'land' : 'jobcenter';
}

const JC_ID = /\bt\d{5}\b/i;
const AGS = /(?:^|[^\d])(\d{5})(?:[^\d]|$)/;

function norm(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .trim()
    .toLowerCase();
}

/** A BA label without its `, JC` suffix: 'Segeberg, JC' → 'segeberg'. */
function labelCore(nameBa: string): string {
  return norm(nameBa.replace(/,\s*JC\s*$/i, ''));
}

export class RegionResolver {
  private readonly regionName = new Map<string, string>();
  private readonly regionByName = new Map<string, string>();
  private readonly alias = new Map<string, string>();
  private readonly jcById = new Map<string, JobcenterEntry>();
  private readonly jcByAgs = new Map<string, JobcenterEntry | null>();
  private readonly jcByLabel = new Map<string, JobcenterEntry>();
  private readonly agsByKreisName = new Map<string, string | null>();

  constructor(ref: ReferenceData) {
    for (const r of ref.regions) {
      this.regionName.set(r.id, r.name);
      this.regionByName.set(norm(r.name), r.id);
    }
    for (const a of ref.aliases) this.alias.set(a.alias.toLowerCase(), a.regionId);
    for (const j of ref.jobcenters) {
      this.jcById.set(j.id.toLowerCase(), j);
      this.jcByLabel.set(norm(j.nameBa), j);
      this.jcByLabel.set(labelCore(j.nameBa), j);
      if (j.kreisAgs) {
        // Several Jobcenters on one key (Berlin): the key names none of them.
        this.jcByAgs.set(j.kreisAgs, this.jcByAgs.has(j.kreisAgs) ? null : j);
        if (j.kreisName) {
          const k = norm(j.kreisName);
          const prev = this.agsByKreisName.get(k);
          this.agsByKreisName.set(k, prev === undefined || prev === j.kreisAgs ? j.kreisAgs : null);
        }
      }
    }
  }

  private existing(id: string): ResolvedRegion | null {
    const name = this.regionName.get(id);
    return name === undefined ? null : { id, name, aliases: [] };
  }

  /**
   * A key → the region it means: a region id, an alias, a BA Jobcenter id or a Kreis key from
   * the directory (bridged to a region that has the other key). An unknown key is a new region.
   */
  byKey(rawKey: string): ResolvedRegion {
    const key = rawKey.trim();
    const direct = this.existing(key);
    if (direct) return direct;
    const viaAlias = this.alias.get(key.toLowerCase());
    if (viaAlias !== undefined) return this.existing(viaAlias) ?? { id: viaAlias, name: null, aliases: [] };
    const jc = this.jcById.get(key.toLowerCase());
    if (jc) {
      const ags = jc.kreisAgs && this.jcByAgs.get(jc.kreisAgs) === jc ? jc.kreisAgs : null;
      const other = ags === null ? null : (this.existing(ags) ?? this.viaAliasOf(ags));
      if (other) return { ...other, aliases: [jc.id] };
      return { id: jc.id, name: jc.nameBa, aliases: ags === null ? [] : [ags] };
    }
    const byAgs = this.jcByAgs.get(key);
    if (byAgs) {
      const other = this.existing(byAgs.id) ?? this.viaAliasOf(byAgs.id);
      if (other) return { ...other, aliases: [key] };
      return { id: key, name: byAgs.kreisName, aliases: [byAgs.id] };
    }
    // A new region's id: the same shape every other route checks (a key from a saved mapping or
    // a cell must not bring '../x' or markup into the regions).
    if (parseRegionKey(key) === null)
      throw new FileRejection(`'${key}' ist kein Regionalschlüssel (erwartet z. B. 01060 oder t11522)`);
    return { id: key, name: null, aliases: [] };
  }

  private viaAliasOf(key: string): ResolvedRegion | null {
    const id = this.alias.get(key.toLowerCase());
    return id === undefined ? null : this.existing(id);
  }

  /**
   * A label or a text naming a region (a `Jobcenter:`/`Kreis:`/`Land:` line, a title cell):
   * a key inside it (`t11522`, `(01060)`), the BA label (`Segeberg, JC`), a region's name,
   * a Kreis or Land name, or a directory name contained in a title. Null when nothing matches.
   */
  byLabel(text: string): ResolvedRegion | null {
    const t = text.trim();
    if (t === '') return null;
    const jcId = JC_ID.exec(t);
    if (jcId) return this.byKey(jcId[0].toLowerCase());
    const ags = AGS.exec(t);
    if (ags?.[1]) return this.byKey(ags[1]);
    const n = norm(t);
    const jc = this.jcByLabel.get(n);
    if (jc) return this.byKey(jc.id);
    const region = this.regionByName.get(n);
    if (region !== undefined) return this.existing(region);
    const kreis = this.agsByKreisName.get(n.replace(/^(kreis|landkreis|stadt)\s+/, ''));
    if (kreis) return this.byKey(kreis);
    const land = LAENDER.find(([, name]) => norm(name) === n);
    if (land) return this.existing(land[0]) ?? { id: land[0], name: land[1], aliases: [] };
    return this.containedName(n);
  }

  /** The one directory or region name that a longer text (a title) contains as whole words. */
  private containedName(n: string): ResolvedRegion | null {
    let best: { len: number; hit: () => ResolvedRegion | null } | null = null;
    let tie = false;
    const consider = (name: string, hit: () => ResolvedRegion | null) => {
      if (name.length < 4) return;
      const at = n.indexOf(name);
      if (at < 0) return;
      const before = n.charAt(at - 1);
      const after = n.charAt(at + name.length);
      if (/[\p{L}\d]/u.test(before) || /[\p{L}\d]/u.test(after)) return;
      if (best === null || name.length > best.len) {
        best = { len: name.length, hit };
        tie = false;
      } else if (name.length === best.len) tie = true;
    };
    for (const [name, id] of this.regionByName) consider(name, () => this.existing(id));
    for (const [name, j] of this.jcByLabel) consider(name, () => this.byKey(j.id));
    const found = best as { len: number; hit: () => ResolvedRegion | null } | null;
    return found === null || tie ? null : found.hit();
  }
}

/**
 * Rewrites a parsed file's region keys to the regions they mean (an alias or a directory key
 * becomes the region's own id) and notes the aliases to remember. Two keys of one file that
 * turn out to be the same region are rejected: the file would hold each value twice.
 */
export function canonicaliseRegions(rows: ObservationRows, resolver: RegionResolver): void {
  const seen = new Map<string, string>();
  for (const r of rows.regions) {
    const resolved = resolver.byKey(r.id);
    const first = seen.get(resolved.id);
    if (first !== undefined) {
      throw new FileRejection(
        `die Regionen '${first}' und '${r.id}' sind dieselbe Region (${resolved.id}); bitte nur eine Schreibweise je Datei`,
      );
    }
    seen.set(resolved.id, r.id);
    const aliases = new Set([...(r.aliases ?? []), ...resolved.aliases]);
    if (resolved.id !== r.id) aliases.add(r.id);
    aliases.delete(resolved.id);
    r.id = resolved.id;
    if (r.name === null && resolved.name) r.name = resolved.name;
    r.aliases = [...aliases];
  }
}
