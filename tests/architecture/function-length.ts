/**
 * Function length over the source tree, with the TypeScript compiler's parser: every function,
 * method, arrow function and function expression, measured from its first to its last line
 * (nested functions count in their parent too).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sourceFiles } from './import-graph.js';

export interface FunctionSize {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  if (
    (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isFunctionExpression(node)) &&
    node.name
  ) {
    return node.name.getText(sf);
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  return '(anonymous)';
}

/** Every function in `files` with its length in lines. */
export function functionSizes(root: string, files: readonly string[]): FunctionSize[] {
  const out: FunctionSize[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(
      file,
      readFileSync(path.join(root, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node)
      ) {
        const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        out.push({ file, name: nameOf(node, sf), line: first + 1, lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** Chart option builders are long lists of settings by nature; they are exempt. */
export function isOptionBuilder(f: FunctionSize): boolean {
  return /^build\w*Option$/.test(f.name) || /Option$/.test(f.name);
}

/**
 * Migrations are frozen in time (they never change once released, see the conventions): their
 * DDL lists are measured by the schema they describe, not split after the fact.
 */
export function isMigration(f: FunctionSize): boolean {
  return f.file.startsWith('server/db/migrations/');
}

/** Functions of the product (not tests) longer than `max` lines. */
export function longFunctions(
  root: string,
  max = 120,
  dirs: readonly string[] = ['core', 'server', 'etl', 'web', 'scripts', 'bench', 'data'],
): FunctionSize[] {
  return functionSizes(root, sourceFiles(root, dirs)).filter(
    (f) => f.lines > max && !isOptionBuilder(f) && !isMigration(f),
  );
}
