// The public config types, checked by the TypeScript compiler itself: fixtures that must
// compile, and fixtures whose lines marked `// expect: TSnnnn word` must fail with exactly
// that code and a message containing the word (and naming no mapped registry type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/types');
const files = (dir: string): string[] => readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.ts')).map((f) => join(fixtures, dir, f));

interface Found {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

let program: ts.Program;

function compile(paths: readonly string[]): Found[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
    baseUrl: root,
    paths: { 'gunicorn-ts': ['./src/index.ts'] },
  };
  program = ts.createProgram([...paths], options);
  return ts.getPreEmitDiagnostics(program).flatMap((d) => {
    if (d.file === undefined || !paths.includes(d.file.fileName)) return [];
    const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
    return [{ file: d.file.fileName, line, code: `TS${d.code}`, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') }];
  });
}

function expectations(file: string): Map<number, { code: string; word: string }> {
  const marks = new Map<number, { code: string; word: string }>();
  readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    const m = /\/\/ expect: (TS\d+) (\S+)\s*$/.exec(text);
    if (m !== null) marks.set(i + 1, { code: m[1]!, word: m[2]! });
  });
  return marks;
}

const passing = files('pass');
const failing = files('fail');
const found = compile([...passing, ...failing]);

test('the README\'s spellings compile: snake_case, camelCase, typed hooks, factories', () => {
  assert.ok(passing.length > 0);
  assert.deepEqual(found.filter((f) => passing.includes(f.file)), []);
});

test('editor hovers name GunicornConfig and the hook types, not the registry\'s mapped intersection', () => {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(passing.find((f) => f.endsWith('settings.ts'))!)!;
  const hovers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'defineConfig') {
      const signature = checker.getResolvedSignature(node)!;
      hovers.push(checker.signatureToString(signature));
    }
    if (ts.isVariableDeclaration(node) && node.name.getText(source) === 'annotated') {
      const type = checker.getTypeAtLocation(node.name);
      hovers.push(checker.typeToString(type));
      hovers.push(`when_ready: ${checker.typeToString(checker.getTypeOfSymbol(type.getProperty('when_ready')!))}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  assert.deepEqual(hovers, [
    '(config: GunicornConfig | GunicornConfigFactory): GunicornConfig | GunicornConfigFactory',
    '(config: GunicornConfig | GunicornConfigFactory): GunicornConfig | GunicornConfigFactory',
    'GunicornConfig',
    'when_ready: ServerHook | null | undefined',
  ]);
});

for (const file of failing) {
  test(`type errors where expected: ${file.slice(fixtures.length + 1)}`, () => {
    const marks = expectations(file);
    assert.ok(marks.size > 0, 'a failing fixture marks its expected errors');
    // Contextual typing lost on a rejected hook adds implicit-any errors; only the marked ones count.
    const errors = found.filter((f) => f.file === file && f.code !== 'TS7006');
    for (const [line, { code, word }] of marks) {
      const here = errors.filter((e) => e.line === line);
      assert.ok(here.some((e) => e.code === code && e.message.includes(word)), `line ${line}: expected ${code} mentioning ${word}, got ${JSON.stringify(here)}`);
      for (const e of here) assert.doesNotMatch(e.message, /Mutable<|Partial<|& \{/, `line ${line} names a mapped type instead of GunicornConfig`);
    }
    const unexpected = errors.filter((e) => !marks.has(e.line));
    assert.deepEqual(unexpected, [], 'no errors on unmarked lines');
  });
}
