// The npm package as a new user gets it: `npm pack` holds what the README and the source
// maps point at (the process entry points as bundles) and nothing of test/ or bench/; installed from the tarball into a fresh
// project, the types catch a typo, camelCase and "$schema" work, --help shows types and
// defaults, and the man page renders (and is registered by a global install).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/temp-dir.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = makeTempDir();
after(() => tmp.remove());

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: undefined, npm_config_update_notifier: 'false', ...env }, timeout: 170_000 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

// --ignore-scripts: `prepare` would compile again; npm test has just built dist/.
const packed = JSON.parse(ok(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp.path], repo), 'npm pack')) as Array<{ filename: string; files: Array<{ path: string }> }>;
const tarball = join(tmp.path, packed[0]!.filename);
const files = new Set(packed[0]!.files.map((f) => f.path));

describe('npm pack', () => {
  it('holds the license, the binaries, types, man pages, schema and every doc the README links to', () => {
    const required = [
      'LICENSE', 'README.md', 'package.json',
      'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/bin/gunicorn-ts.cjs', 'dist/src/bin/gunicorn-ts-debian.js',
      'man/gunicorn-ts.1', 'man/gunicorn-ts-debian.1', 'schemas/gunicorn.schema.json',
      'config-examples/gunicorn.conf.ts', 'config-examples/docker/Dockerfile', 'config-examples/kubernetes/deployment.yaml',
    ];
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?:docs|config-examples)\/[^)#\s]+)/g)].map((m) => m[1]!);
    assert.ok(linked.length >= 10, 'the README links its docs');
    for (const path of [...required, ...linked]) assert.ok(files.has(path), `${path} is in the tarball`);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { license: string; repository?: { url: string }; man?: string[] };
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(join(repo, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.ok(pkg.repository?.url);
    assert.deepEqual(pkg.man, ['./man/gunicorn-ts.1', './man/gunicorn-ts-debian.1']);
  });

  it('holds nothing from test/, bench/ or the build scripts', () => {
    const forbidden = [...files].filter((f) => /^(test|bench|scripts|dist\/test|dist\/bench|dist\/scripts|node_modules|\.ci)\//.test(f));
    assert.deepEqual(forbidden, []);
  });

  it('has source maps whose sources are in the tarball or embedded in the map', () => {
    const maps = [...files].filter((f) => /\.c?js\.map$/.test(f));
    assert.ok(maps.length > 50);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(repo, map), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      sources.forEach((source, i) => {
        const resolved = join(map, '..', source);
        assert.ok(files.has(resolved) || typeof sourcesContent?.[i] === 'string', `${map} points at ${resolved}`);
      });
    }
  });

  it('ships the programs as bundles (npm run build) whose maps point into src/', () => {
    for (const entry of ['dist/src/bin/cli-main.cjs', 'dist/src/bin/gunicorn-ts-debian.js', 'dist/src/worker/worker.cjs']) {
      const code = readFileSync(join(repo, entry), 'utf8');
      // Only the two CommonJS modules that stay outside every bundle (scripts/bundle.ts).
      const byPath = new Set([...code.matchAll(/^import .* from "(\.[^"]*)";$|\brequire\("(\.[^"]*)"\)/gm)].map((m) => m[1] ?? m[2]));
      assert.ok([...byPath].every((p) => p === '../compile-cache.cjs' || p === '../native-import.cjs'), `${entry} imports none of our other modules by path: ${[...byPath].join(', ')}`);
      const { sources } = JSON.parse(readFileSync(join(repo, `${entry}.map`), 'utf8')) as { sources: string[] };
      const ours = sources.filter((s) => s.startsWith('../../../src/'));
      assert.ok(ours.length > 40 && ours.every((s) => s.endsWith('.ts')), `${entry} bundles the modules it starts, mapped to src/*.ts`);
      // pino is bundled too (its CommonJS files cost each process more than the rest of the start).
      assert.ok(sources.includes('../../../node_modules/pino/pino.js'), `${entry} bundles pino`);
      // Besides: `builtin:node:http`, `builtin:fs` and the like, the one-line require() shims of Node's modules.
      assert.deepEqual(sources.filter((s) => !/^(\.\.\/\.\.\/\.\.\/(src|node_modules)\/|builtin:)/.test(s)), [], `${entry}.map`);
    }
  });
});

describe('installed from the tarball into a fresh project', () => {
  const project = join(tmp.path, 'project');
  const bin = join(project, 'node_modules/.bin');
  before(() => {
    tmp.write('project/package.json', JSON.stringify({ name: 'fresh', version: '1.0.0', private: true, type: 'module' }));
    // The dependencies come from npm's cache when `npm ci` filled it (--prefer-offline).
    ok(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node@20'], project), 'npm install');
  });

  it('catches a misspelled key in defineConfig with tsc, and accepts camelCase', () => {
    tmp.write('project/tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'] }, include: ['*.ts'] }));
    tmp.write('project/typo.conf.ts', "import { defineConfig } from 'gunicorn-ts';\nexport default defineConfig({ bind: ['127.0.0.1:0'], wrokers: 2 });\n");
    tmp.write('project/gunicorn.conf.ts', "import { defineConfig } from 'gunicorn-ts';\nexport default defineConfig({ bind: ['127.0.0.1:0'], maxRequests: 100, gracefulTimeout: 7, when_ready(server) { server.log.info('up'); } });\n");
    const r = run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    assert.equal(r.status, 2, r.stdout);
    const errors = r.stdout.trim().split('\n').filter((l) => /error TS/.test(l));
    assert.equal(errors.length, 1, r.stdout);
    assert.match(errors[0]!, /^typo\.conf\.ts\(2,\d+\): error TS2353: .*'wrokers' does not exist in type 'GunicornConfig \| GunicornConfigFactory'/);
    const printed = ok(run(join(bin, 'gunicorn-ts'), ['--print-config', 'app.js'], project), 'gunicorn-ts --print-config');
    assert.match(printed, /^max_requests\s+= 100 {2}# \S+\/gunicorn\.conf\.ts$/m);
    assert.match(printed, /^graceful_timeout\s+= 7 {2}# \S+\/gunicorn\.conf\.ts$/m);
  });

  it('accepts a JSON config whose "$schema" points into the package', () => {
    const schema = './node_modules/gunicorn-ts/schemas/gunicorn.schema.json';
    assert.ok(existsSync(join(project, schema)));
    tmp.write('project/site.json', JSON.stringify({ $schema: schema, workers: 3 }));
    const printed = ok(run(join(bin, 'gunicorn-ts'), ['-c', 'site.json', '--print-config', 'app.js'], project), 'a JSON config with $schema');
    assert.match(printed, /^workers\s+= 3 {2}# \S+\/site\.json$/m);
  });

  it('npx gunicorn-ts --help shows types and defaults; gunicorn-ts-debian --help shows examples', () => {
    const help = ok(run('npx', ['--no', '--', 'gunicorn-ts', '--help'], project), 'npx gunicorn-ts --help').replace(/\s+/g, ' ');
    assert.match(help, /--workers INT The number of worker processes serving requests, or `auto` for one per CPU\. \[number\] \[default: 1\]/);
    assert.match(help, /Python-only/);
    const debian = ok(run('npx', ['--no', '--', 'gunicorn-ts-debian', '--help'], project), 'gunicorn-ts-debian --help');
    assert.match(debian, /--timeout SECONDS[\s\S]*\[number\] \[default: 60\]/);
    assert.match(debian, /^Examples:$/m);
  });

  it('man -l renders the installed man page, and a global install registers `man gunicorn-ts`', () => {
    const env = { MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' };
    const page = ok(run('man', ['-l', join(project, 'node_modules/gunicorn-ts/man/gunicorn-ts.1')], project, env), 'man -l');
    assert.match(page, /^NAME\s*\n\s+gunicorn-ts - pre-fork HTTP server/m);
    assert.match(page, /^OPTIONS/m);
    const prefix = join(tmp.path, 'global');
    ok(run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball], project), 'npm install -g');
    const registered = ok(run('man', ['gunicorn-ts-debian'], project, { ...env, MANPATH: join(prefix, 'share/man') }), 'man gunicorn-ts-debian');
    assert.match(registered, /gunicorn-ts-debian/);
    assert.match(ok(run('man', ['gunicorn-ts'], project, { ...env, MANPATH: join(prefix, 'share/man') }), 'man gunicorn-ts'), /^SYNOPSIS/m);
  });
});
