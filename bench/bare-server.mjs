// The baseline of the API benchmark: a bare node:http server that answers each recorded path with
// exactly the status, headers and bytes the production server sent for it (bench/api.ts records
// them), and nothing else: no routing, validation, logging or database. Plain JavaScript, so it
// runs with node alone. Prints "listening <port>" on stderr.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/bare-server.mjs <recorded.json>');
const recorded = JSON.parse(readFileSync(file, 'utf8'));
const answers = new Map();
for (const [path, r] of Object.entries(recorded)) {
  answers.set(path, { status: r.status, headers: r.headers, body: Buffer.from(r.body, 'base64') });
}
const server = createServer((req, res) => {
  const a = answers.get(req.url);
  if (a === undefined) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(a.status, a.headers);
  res.end(a.body);
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
