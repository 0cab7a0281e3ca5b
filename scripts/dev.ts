/**
 * `npm run dev`: the API under `tsx watch` (restarts on change) and the Vite dev server, which
 * proxies /api to it (vite.config.ts). Both stop together: Ctrl-C, or either one exiting.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const port = process.env.PORT ?? '8080';
const env = { ...process.env, PORT: port, NODE_ENV: process.env.NODE_ENV ?? 'development' };
const children: ChildProcess[] = [];
let stopping = false;

function start(name: string, args: string[]): void {
  const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${name} stopped (${signal ?? `exit ${code}`}); stopping the other one too.`);
      stop(code ?? 1);
    }
  });
}

function stop(code: number): void {
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  // Give both a moment to shut down cleanly, then leave.
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
  ).then(() => process.exit(code));
}

start('API', ['node_modules/tsx/dist/cli.mjs', 'watch', '--clear-screen=false', 'server/main.ts']);
start('Vite', ['node_modules/vite/bin/vite.js']);
console.log(
  `[dev] API on http://127.0.0.1:${port}, dashboard from Vite (see its address above; /api is proxied).`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));
