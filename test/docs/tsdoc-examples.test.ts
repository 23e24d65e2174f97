// Every exported function and class of the four entry points carries an `@example` with a
// ```ts code fence (issue 6). Typedoc's notDocumented validation already requires a comment on
// every export; this test requires the example. It loads the entry points into one TypeScript
// Program with the options of tsconfig.json, follows each export (re-exports and aliases) to its
// declaration, and checks the JSDoc there.
//
// What needs an example:
// - a function: on any of its declarations (an overload or the implementation), since typedoc
//   shows the overloads together;
// - a class: on the class itself (its members are reached through it);
// - a `const` whose value is callable, or an object literal with a callable member (a namespace
//   of functions): it is used like a function, so it is shown like one.
// Exempt: interfaces, type aliases, enums, a class or function exported only as a type
// (`export type { … }`: the user cannot call or construct it), and the other constants —
// numbers, strings and `as const` lookup tables such as ErrorCode, ClassId or apduTags. A type is
// exemplified by the function that takes or returns it, and a table of constants by the code
// that passes its members: an example of `ErrorCode.timeout` alone would say nothing more.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const entryPoints = ['src/index.ts', 'src/dlms/index.ts', 'src/modbus/index.ts', 'src/mqtt/index.ts'];

/** An exported function or class: where it is declared and under which names it is exported. */
interface Exported {
  readonly key: string;
  readonly location: string;
  readonly hasExample: boolean;
  readonly exports: string[];
}

/** Loads the entry points into one Program with tsconfig.json's options. */
function createProgram(): { program: ts.Program; checker: ts.TypeChecker } {
  const configPath = resolve(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: true }, configPath);
  const program = ts.createProgram({
    rootNames: entryPoints.map((entry) => resolve(root, entry)),
    options: parsed.options,
  });
  return { program, checker: program.getTypeChecker() };
}

/** `expression` without `as …`, `satisfies …` and parentheses around it. */
function unwrap(expression: ts.Expression): ts.Expression {
  let inner = expression;
  while (ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner) || ts.isParenthesizedExpression(inner)) {
    inner = inner.expression;
  }
  return inner;
}

/** Whether a `const` is used like a function: callable, or an object literal of functions. */
function isFunctionLike(declaration: ts.VariableDeclaration, checker: ts.TypeChecker): boolean {
  const callable = (node: ts.Node) => checker.getTypeAtLocation(node).getCallSignatures().length > 0;
  if (callable(declaration.name)) return true;
  const initializer = declaration.initializer === undefined ? undefined : unwrap(declaration.initializer);
  return (
    initializer !== undefined &&
    ts.isObjectLiteralExpression(initializer) &&
    initializer.properties.some((property) => callable(property))
  );
}

/** The declarations of `symbol` that need an example, empty when it is exempt. */
function exemplifiable(symbol: ts.Symbol, checker: ts.TypeChecker): ts.Declaration[] {
  const declarations = symbol.declarations ?? [];
  const classes = declarations.filter(ts.isClassDeclaration);
  if (classes.length > 0) return classes;
  const functions = declarations.filter(ts.isFunctionDeclaration);
  if (functions.length > 0) return functions;
  return declarations.filter(
    (declaration) => ts.isVariableDeclaration(declaration) && isFunctionLike(declaration, checker),
  );
}

/** Whether `tag` is an `@example` holding a ```ts code fence (the house style; typedoc renders it as code). */
function isCodeExample(tag: ts.JSDocTag): boolean {
  return tag.tagName.text === 'example' && (ts.getTextOfJSDocComment(tag.comment) ?? '').includes('```ts');
}

/** Whether `exported` reaches its declaration through an `export type` / `import type` anywhere. */
function isTypeOnly(exported: ts.Symbol, checker: ts.TypeChecker): boolean {
  let symbol: ts.Symbol | undefined = exported;
  while (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) {
    if (symbol.declarations?.some(ts.isTypeOnlyImportOrExportDeclaration)) return true;
    symbol = checker.getImmediateAliasedSymbol(symbol);
  }
  return false;
}

/** Every exported function and class of the entry points, keyed by declaration. */
function collectExports(): Map<string, Exported> {
  const { program, checker } = createProgram();
  const found = new Map<string, Exported>();
  for (const entry of entryPoints) {
    const source = program.getSourceFile(resolve(root, entry));
    if (source === undefined) throw new Error(`${entry} is not in the program`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${entry} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = isTypeOnly(exported, checker) ? [] : exemplifiable(target, checker);
      const first = declarations[0];
      if (first === undefined) continue;
      const file = first.getSourceFile();
      const path = relative(root, file.fileName);
      const key = `${path}#${target.name}`;
      const line = file.getLineAndCharacterOfPosition(first.getStart()).line + 1;
      const item = found.get(key) ?? {
        key,
        location: `${path}:${line}`,
        hasExample: declarations.some((declaration) => ts.getJSDocTags(declaration).some(isCodeExample)),
        exports: [],
      };
      item.exports.push(`${entry} ${exported.name}`);
      found.set(key, item);
    }
  }
  return found;
}

describe('TSDoc examples', () => {
  it('every exported function and class has an @example', () => {
    const found = collectExports();
    const offenders = [...found.values()]
      .filter((item) => !item.hasExample)
      .map((item) => `${item.exports.join(', ')} — ${item.location}`);
    expect(offenders, `exports without an @example:\n${offenders.join('\n')}`).toEqual([]);
  });
});
