/**
 * Upper bounds for what one import file may hold. A file past a bound is rejected with a German
 * message naming the bound ("Tabellenblatt 'eLb' hat mehr als 100.000 Zeilen") before it can
 * exhaust memory or time. The server takes them from the environment (server/config.ts), the
 * parsers fall back to these defaults.
 */
import { formatCount } from './format.js';

export interface ImportLimits {
  /** Sum of the unpacked sizes of all parts of an xlsx (zip) file, in bytes. */
  xlsxMaxUnpackedBytes: number;
  xlsxMaxSheets: number;
  /** Rows per worksheet: counted rows and the highest row number both. */
  xlsxMaxRows: number;
  xlsxMaxColumns: number;
  /** Cells of all worksheets together (exceljs holds an object per cell: about 200 bytes each). */
  xlsxMaxCells: number;
  /** Records of a CSV file. */
  csvMaxRows: number;
  /** Characters of one CSV line. */
  csvMaxLineChars: number;
  /** Characters of one cell or field (xlsx and CSV). */
  maxCellChars: number;
}

export const DEFAULT_LIMITS: ImportLimits = Object.freeze({
  xlsxMaxUnpackedBytes: 200 * 1024 * 1024,
  xlsxMaxSheets: 50,
  xlsxMaxRows: 100_000,
  xlsxMaxColumns: 1_000,
  xlsxMaxCells: 2_000_000,
  csvMaxRows: 2_000_000,
  csvMaxLineChars: 1_000_000,
  maxCellChars: 10_000,
});

export function resolveLimits(partial?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_LIMITS, ...partial };
}

/** Regular expressions from the mapping file only ever see this many characters of a cell. */
export const PATTERN_INPUT_CAP = 500;

/** "100.000" — counts in limit messages in the one de-DE formatter. */
export const count = (n: number): string => formatCount(n);

/** "200 MB" for byte limits. */
export function megabytes(n: number): string {
  return `${formatCount(Math.round(n / (1024 * 1024)))} MB`;
}

/** IMPORT_WORKER_MAX_MB: the import worker's heap limit in MB (server/config.ts, etl/cli-entry.ts). */
export const IMPORT_WORKER_HEAP_MB = { default: 1024, min: 64, max: 16_384 } as const;

/** Characters of a mute's reason (the API, the configuration file and the Hinweise form). */
export const MUTE_REASON_MAX = 500;
