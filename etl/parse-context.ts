/** What every parser is given besides the bytes (its own module: the readers, the layouts and the
 * region resolver all need it, and none of them may import another's module for it). */
import type { ImportLimits } from '../core/limits.js';
import type { ReferenceData } from './regions.js';
import type { IndicatorCatalog } from './rows.js';
import type { SavedMapping } from './wizard-mapping.js';

/** What every parser is given besides the bytes. */
export interface ParseContext {
  catalog: IndicatorCatalog;
  /** data/ba-mapping.json unless set (tests). */
  mappingPath?: string;
  /** data/finance-mapping.json unless set (tests). */
  financeMappingPath?: string;
  onProgress?: (rows: number, fraction: number) => void;
  /** DEFAULT_LIMITS unless set (the server passes the configured ones). */
  limits?: ImportLimits;
  /** Regions, aliases and the Jobcenter directory: files naming a region by any key land in it. */
  reference?: ReferenceData;
  /** Layouts mapped in the wizard, tried first by file-name pattern. */
  mappings?: readonly Pick<SavedMapping, 'pattern' | 'spec'>[];
}
