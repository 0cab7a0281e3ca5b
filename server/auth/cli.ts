/**
 * `npm run user -- <command>`: personal API tokens and users from the command line, on
 * DATABASE_PATH. `token create` prints the token on its last line (and only there, once).
 *
 *   token create --user <name> --role viewer|controller|admin [--name <purpose>] [--days <n>|--no-expiry]
 *   token list
 *   token revoke --id <n>
 *   user list
 *   user role --user <name> --role viewer|controller|admin|none
 *
 * Exit codes: 0 ok, 2 usage error, 1 anything else (the message says what).
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { recordAudit } from '../db/repositories/audit.js';
import { revokeCredential } from '../db/repositories/credentials.js';
import { findUsersByName, listApiTokens, listUsers, updateUser } from '../db/repositories/users.js';
import { roleSchema } from './roles.js';
import { issueToken } from './tokens.js';

const USAGE = `Aufruf / usage:
  npm run user -- token create --user <Name> --role viewer|controller|admin [--name <Zweck>] [--days <n> | --no-expiry]
  npm run user -- token list
  npm run user -- token revoke --id <n>
  npm run user -- user list
  npm run user -- user role --user <Name> --role viewer|controller|admin|none
Datenbank: DATABASE_PATH (Standard data/zielmonitor.db). Exit: 0 ok, 1 Fehler, 2 Aufruffehler`;

class UsageError extends Error {}

const OPTIONS = {
  user: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  days: { type: 'string' },
  'no-expiry': { type: 'boolean' },
  id: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function need(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${option} fehlt`);
  return value.trim();
}

function role(value: string | undefined) {
  const r = roleSchema.safeParse(need(value, 'role'));
  if (!r.success) throw new UsageError(`--role muss viewer, controller oder admin sein, nicht "${value}"`);
  return r.data;
}

function positive(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${option} muss eine ganze Zahl ab 1 sein`);
  return n;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const [group, command] = positionals;
  if (values.help || !group) {
    console.log(USAGE);
    return;
  }
  const config = loadConfigOrExit();
  const db = await openDatabase(config.DATABASE_PATH);
  const now = new Date();
  const actor = `cli (${userInfo().username})`;
  const log = (action: string, subject: string, detail: Record<string, unknown>) =>
    recordAudit(db.db, { userId: null, actor, via: 'cli', action, subject, detail, address: null }, now);
  try {
    if (group === 'token' && command === 'create') {
      const days = values['no-expiry'] ? null : positive(values.days ?? '90', 'days');
      const issued = await issueToken(
        db.db,
        {
          user: need(values.user, 'user'),
          role: role(values.role),
          name: values.name ?? 'CLI',
          expiresInDays: days,
          by: actor,
        },
        now,
      );
      await log('token.create', `token ${issued.info.id}`, {
        user: issued.info.user,
        role: issued.info.role,
      });
      console.error(
        `Token ${issued.info.id} für ${issued.info.user} (${issued.info.role}), gültig bis ${issued.info.expiresAt ?? 'unbegrenzt'}. Er wird nur jetzt angezeigt:`,
      );
      console.log(issued.token);
    } else if (group === 'token' && command === 'list') {
      console.table(await listApiTokens(db.db));
    } else if (group === 'token' && command === 'revoke') {
      const id = positive(need(values.id, 'id'), 'id');
      if (!(await revokeCredential(db.db, 'token', id, now)))
        throw new Error(`kein aktiver Token mit der Nummer ${id}`);
      await log('token.revoke', `token ${id}`, {});
      console.log(`Token ${id} widerrufen.`);
    } else if (group === 'user' && command === 'list') {
      console.table(await listUsers(db.db));
    } else if (group === 'user' && command === 'role') {
      const name = need(values.user, 'user');
      const named = await findUsersByName(db.db, name);
      if (named.length > 1)
        throw new Error(`${named.length} Personen heißen "${name}"; Rolle auf /verwaltung setzen`);
      const user = named[0];
      if (!user) throw new Error(`keine Person namens "${name}"`);
      const r = values.role === 'none' ? null : role(values.role);
      await updateUser(db.db, user.id, { role: r });
      await log('user.update', name, { role: r });
      console.log(`${name}: Rolle ${r ?? 'aus den Zuordnungen'}.`);
    } else {
      throw new UsageError(`unbekannter Befehl: ${positionals.join(' ')}`);
    }
  } finally {
    await db.close();
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
    console.error(`Aufruffehler: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`Fehler: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
