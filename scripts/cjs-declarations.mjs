// @ts-check
// Writes a CommonJS-format twin (`.d.cts`) of every declaration file in dist/.
//
// The package has one JavaScript build, ESM, which `import` and `require()` (Node >= 20.19) both
// load: one module instance. Its `.d.ts` files are ESM-format (the package is "type": "module"),
// and TypeScript under `module: node16` refuses to let a CommonJS file import them (TS1479). The
// `require` condition of the exports map therefore points at these twins, which differ only in
// their module specifiers:
//   - relative ones name the twin (`./errors/errors.module.js` -> `./errors/errors.module.cjs`);
//   - imports of other packages become type-only imports that resolve as ESM
//     (`with { 'resolution-mode': 'import' }`), so both formats see the very same peer types;
//   - augmentations of other packages (`declare module 'vitest'`) are kept.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const RESOLUTION_MODE = "{ 'resolution-mode': 'import' }";

/**
 * @param {string} dir
 * @returns {string[]}
 */
const declarationsIn = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationsIn(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });

/** @param {string} specifier */
const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');
/** @param {string} specifier */
const isPackage = (specifier) => !isRelative(specifier) && !specifier.startsWith('node:');

/**
 * The `.d.cts` text of one `.d.ts` file.
 * @param {string} path
 * @param {string} text
 */
function toCommonJs(path, text) {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  /** @type {{ start: number; end: number; text: string }[]} */
  const edits = [];
  /** @type {(node: ts.Node, why: string) => never} */
  const fail = (node, why) => {
    throw new Error(`${path}: ${why}: ${node.getText(source)}`);
  };
  /** @param {ts.StringLiteral} literal */
  const renameRelative = (literal) => {
    if (!isRelative(literal.text)) return;
    if (!literal.text.endsWith('.js')) fail(literal, 'relative specifier without .js');
    edits.push({
      start: literal.getStart(source) + 1,
      end: literal.getEnd() - 1,
      text: literal.text.replace(/\.js$/, '.cjs'),
    });
  };

  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const specifier = node.moduleSpecifier;
      renameRelative(specifier);
      if (isPackage(specifier.text) && !node.attributes) {
        const clause = node.importClause;
        if (!clause) fail(node, 'side-effect import of a package in a declaration');
        if (!clause.isTypeOnly) {
          if (clause.name && clause.namedBindings) fail(node, 'default and named imports together');
          edits.push({ start: clause.getStart(source), end: clause.getStart(source), text: 'type ' });
          const bindings = clause.namedBindings;
          if (bindings && ts.isNamedImports(bindings)) {
            for (const element of bindings.elements.filter((each) => each.isTypeOnly)) {
              const start = element.getStart(source);
              const name = (element.propertyName ?? element.name).getStart(source);
              edits.push({ start, end: name, text: '' });
            }
          }
        }
        edits.push({ start: specifier.getEnd(), end: specifier.getEnd(), text: ` with ${RESOLUTION_MODE}` });
      }
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      renameRelative(node.moduleSpecifier);
      if (isPackage(node.moduleSpecifier.text)) fail(node, 're-export from a package (no CJS twin for it)');
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      const literal = node.argument.literal;
      renameRelative(literal);
      if (isPackage(literal.text) && !node.attributes) {
        edits.push({
          start: literal.getEnd(),
          end: literal.getEnd(),
          text: `, { with: ${RESOLUTION_MODE} }`,
        });
      }
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      // an augmentation of another package (`declare module 'vitest'`) stays as it is: in the twin its
      // name resolves through that package's `require` condition, which must declare the same types
      if (!isPackage(node.name.text)) fail(node, 'module augmentation');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  let result = text;
  for (const edit of edits.toSorted((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

const dist = process.argv[2] ?? 'dist';
const files = declarationsIn(dist);
for (const file of files) {
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), toCommonJs(file, readFileSync(file, 'utf8')));
}
