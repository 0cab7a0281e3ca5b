import type { ParseContext } from './parse.js';
import type { ParsedFile } from './rows.js';
import { FileRejection } from './types.js';

export async function parseBaWorkbook(_bytes: Uint8Array, _ctx: ParseContext): Promise<ParsedFile> {
  throw new FileRejection('BA-Arbeitsmappen werden noch nicht unterstützt');
}
export async function parseBaCsv(_text: string, _ctx: ParseContext): Promise<ParsedFile> {
  throw new FileRejection(
    'Kopfzeile nicht erkannt: erwartet region;region_name;month;indicator;gender;value;flag',
  );
}
