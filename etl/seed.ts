/** First start: an empty database gets the bundled sample data and all target files. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { executeImport, prepareSources } from './run.js';
import { loadTargetsFile } from './targets.js';
import type { EtlDeps } from './types.js';

export const DEFAULT_SAMPLE_DIR = fileURLToPath(new URL('../data/sample', import.meta.url));
export const DEFAULT_TARGETS_DIR = fileURLToPath(new URL('../data/targets', import.meta.url));

const manifestSchema = z.object({
  sample: z.literal(true),
  asOf: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM'),
  label: z.string().optional(),
  files: z.array(z.string().regex(/^[^/\\]+$/, 'a plain file name')).min(1),
});

/**
 * When `observations` is empty: loads every `<targetsDir>/*.csv`, then imports the sample files
 * listed in `<sampleDir>/manifest.json` (marked as sample "as of" the manifest's month, trigger
 * 'startup'). Returns true when it loaded anything.
 */
export async function seedIfEmpty(
  deps: EtlDeps,
  opts: { sampleDir?: string; targetsDir?: string } = {},
): Promise<boolean> {
  const any = await deps.db.db.selectFrom('observations').select('month').limit(1).execute();
  if (any.length > 0) return false;
  const sampleDir = opts.sampleDir ?? DEFAULT_SAMPLE_DIR;
  const targetsDir = opts.targetsDir ?? DEFAULT_TARGETS_DIR;
  let loaded = false;

  // Targets first: the sample import's after-import alert evaluation then sees the goals.
  let targetFiles: string[] = [];
  try {
    targetFiles = (await readdir(targetsDir)).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  } catch (e) {
    deps.logger.warn({ err: e, targetsDir }, 'no targets folder');
  }
  for (const f of targetFiles) {
    try {
      const r = await loadTargetsFile(deps, join(targetsDir, f), 'startup');
      loaded ||= r.inserted + r.updated > 0;
    } catch (e) {
      deps.logger.error({ err: e, file: f }, 'targets file rejected');
    }
  }

  let manifest: z.infer<typeof manifestSchema> | null = null;
  try {
    const parsed = manifestSchema.safeParse(
      JSON.parse(await readFile(join(sampleDir, 'manifest.json'), 'utf8')),
    );
    if (parsed.success) manifest = parsed.data;
    else deps.logger.error({ issues: parsed.error.issues }, 'sample manifest invalid; no sample data loaded');
  } catch (e) {
    deps.logger.warn({ err: e, sampleDir }, 'no sample manifest; no sample data loaded');
  }
  if (manifest) {
    const sources = manifest.files.map((f) => ({ kind: 'file' as const, path: join(sampleDir, f) }));
    const summary = await executeImport(deps, prepareSources(deps, sources), {
      trigger: 'startup',
      sample: { asOf: manifest.asOf },
    });
    loaded ||= summary.changed;
    for (const f of summary.files) {
      if (f.error) deps.logger.error({ file: f.path, error: f.error }, 'sample file rejected');
    }
  }

  return loaded;
}
