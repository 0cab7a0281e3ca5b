/**
 * The import graph of the source tree, read with the TypeScript compiler's parser (static imports,
 * re-exports and dynamic `import('…')` with a literal), and the layer rule checked over it.
 *
 * Layers, lowest first; a module may import its own layer and the ones below it:
 *   core ← domain ← db ← etl / goals / alerts ← routes ← app
 * Beside them: `infra` (config, logger, heap settings: used from db upwards), `web` (may import core and,
 * type-only, the API types of server/app.ts), and the scripts and benches (may import anything).
 * HTTP is the routes' business: server/http, server/auth and server/errors.ts (ApiError, the status
 * of each error code) are in the routes layer, so a service (domain, db, etl, goals, alerts,
 * exports) that reaches for them fails; services throw DomainError (server/domain/errors.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

const SOURCE = /\.(ts|tsx)$/;

function walk(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(path.join(root, dir))) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(path.join(root, rel)).isDirectory()) walk(root, rel, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
}

/** Every source file under `dirs` (relative to `root`, '/'-separated). */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    try {
      walk(root, d, out);
    } catch {
      // a folder that does not exist in this tree
    }
  }
  return out.sort();
}

function resolve(root: string, from: string, spec: string, files: ReadonlySet<string>): string | null {
  if (!spec.startsWith('.')) return null; // a package
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.(js|jsx|ts|tsx)$/, '');
  for (const c of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.tsx`]) {
    if (files.has(c)) return c;
  }
  void root;
  return null;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const named = clause.namedBindings;
  return named !== undefined && ts.isNamedImports(named) && named.elements.length > 0
    ? named.elements.every((e) => e.isTypeOnly)
    : false;
}

/** The imports between our own files. */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    const add = (spec: string, typeOnly: boolean, pos: number) => {
      const to = resolve(root, file, spec, known);
      if (to) edges.push({ from: file, to, typeOnly, line: sf.getLineAndCharacterOfPosition(pos).line + 1 });
    };
    const visit = (node: ts.Node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
        if (ts.isStringLiteral(node.moduleSpecifier))
          add(node.moduleSpecifier.text, isTypeOnly(node), node.getStart(sf));
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        add(node.arguments[0].text, false, node.getStart(sf));
      } else if (
        ts.isImportTypeNode(node) &&
        ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteral(node.argument.literal)
      ) {
        add(node.argument.literal.text, true, node.getStart(sf));
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return edges;
}

export type Layer = 'core' | 'domain' | 'infra' | 'db' | 'service' | 'routes' | 'app' | 'web' | 'tooling';

/** The layer of a file by its folder. */
export function layerOf(file: string): Layer {
  const [top, second] = file.split('/');
  if (top === 'core') return 'core';
  if (top === 'web') return 'web';
  if (top === 'etl') return 'service';
  if (top === 'server') {
    switch (second) {
      case 'domain':
        return 'domain';
      case 'config.ts':
      case 'logger.ts':
      case 'heap-settings.ts': // V8's heap settings of this process (node's modules only)
        return 'infra';
      case 'db':
        return 'db';
      case 'goals':
      case 'alerts':
      case 'exports':
        return 'service';
      case 'routes':
      case 'http':
      case 'errors.ts': // ApiError and the HTTP status of each error code
      case 'auth': // who is asking: middleware, sessions, tokens (HTTP-level, beside the routes)
      case 'openapi.ts':
      case 'deps.ts': // the interface of what the routes are given
        return 'routes';
      default:
        return 'app'; // app.ts, app-deps.ts, main.ts, backup.ts
    }
  }
  return 'tooling'; // scripts/, bench/, data/, tests/
}

const RANK: Record<Exclude<Layer, 'web' | 'tooling'>, number> = {
  core: 0,
  domain: 1,
  infra: 2,
  db: 3,
  service: 4,
  routes: 5,
  app: 6,
};

/** Why an import breaks the layer rule, or null when it is allowed. */
export function layerViolation(edge: ImportEdge): string | null {
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  if (from === 'tooling') return null;
  if (to === 'tooling')
    return `${from} imports ${edge.to} (scripts, benches and tests are not part of the product)`;
  if (from === 'web') {
    if (to === 'web' || to === 'core') return null;
    if (edge.typeOnly && edge.to === 'server/app.ts') return null;
    return `the web may import core/ and (type-only) the API types of server/app.ts, not ${edge.to}`;
  }
  if (to === 'web') return `${from} imports the web (${edge.to})`;
  if (to === 'routes' && RANK[from] < RANK.routes)
    return `${from} may not import the HTTP layer (${edge.to}): throw a DomainError (server/domain/errors.ts), the routes map it to HTTP`;
  if (RANK[to] > RANK[from]) return `${from} may not import the higher layer ${to} (${edge.to})`;
  return null;
}

/** Import cycles (type-only edges included: a cycle of types is a cycle of concepts). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      if (state.get(m) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(m)), m];
        const key = [...new Set(cycle)].sort().join('|');
        if (!seen.has(key)) cycles.push(cycle);
        seen.add(key);
      } else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...next.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

/** Every problem of a tree: layer violations ('file:line: why') and cycles ('a → b → a'). */
export function checkLayers(
  root: string,
  dirs: readonly string[] = ['core', 'server', 'etl', 'web'],
): string[] {
  const edges = importEdges(root, sourceFiles(root, dirs));
  const problems: string[] = [];
  for (const e of edges) {
    const why = layerViolation(e);
    if (why) problems.push(`${e.from}:${e.line}: ${why}`);
  }
  for (const c of importCycles(edges)) problems.push(`import cycle: ${c.join(' → ')}`);
  return problems;
}
