/**
 * `npm run migrate`: runs the pending migrations of the configured database (DATABASE_URL, or the
 * SQLite file at DATABASE_PATH) and prints what ran. The server also migrates at start-up (on
 * PostgreSQL under an advisory lock); this is for deployments that migrate explicitly first.
 */
import { loadConfigOrExit } from '../config.js';
import { migrate, openConfiguredDatabase } from './connection.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const db = await openConfiguredDatabase(config, { migrate: false });
  try {
    const result = await migrate(db);
    for (const r of result.results ?? [])
      console.log(`${r.status === 'Success' ? 'migrated' : r.status}: ${r.migrationName}`);
    if (result.error) {
      console.error(
        `Migration fehlgeschlagen: ${result.error instanceof Error ? result.error.message : String(result.error)}`,
      );
      process.exitCode = 1;
    } else if ((result.results ?? []).length === 0) {
      console.log(`${db.path}: schema is current`);
    }
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
