/**
 * Child process of tests/unit/logger.test.ts: the server's buffered logger writes `count` lines
 * of info (collected, not yet written) and then ends the way `how` says; every line must still
 * reach stdout.
 */
import { createLogger } from '../../server/logger.js';

const [how = 'exit', count = '5'] = process.argv.slice(2);
const logger = createLogger('info', { buffered: true });
for (let i = 0; i < Number(count); i++) logger.info({ i }, 'zeile');
if (how === 'exit') process.exit(0);
if (how === 'throw') throw new Error('abbruch');
// 'drain': the event loop empties on its own (the flush timer is unref'd).
