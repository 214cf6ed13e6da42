// Gunicorn's own parser test corpus sent raw to the real binary: every valid/ case reaches
// the app (test/fixtures/edge/record-app.mjs) exactly as its .py describes, and no invalid/
// case reaches it as a complete request. Each case's cfg.set() becomes the equivalent
// setting; cases sharing settings share one server. The deliberate differences are the
// table in docs/http-edge.md, read here: every case not listed must match, every listed
// case that can run must still differ (so the table never goes stale).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { corpusDir, loadCorpus, type CorpusCase, type ExpectedRequest } from '../helpers/gunicorn-corpus.js';
import { startGunicorn } from '../helpers/server.js';

const DOC = fileURLToPath(new URL('../../../docs/http-edge.md', import.meta.url));

/** Case names listed in the differences table of docs/http-edge.md. */
function documentedDifferences(): Set<string> {
  const doc = fs.readFileSync(DOC, 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Differences from Gunicorn'));
  assert.ok(section, 'docs/http-edge.md has a "Differences from Gunicorn" section');
  const names = new Set<string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| '))) {
    const cell = line.split('|')[1] ?? '';
    for (const m of cell.matchAll(/\b(valid|invalid)\/[\w-]+/g)) names.add(m[0]);
  }
  return names;
}

/** The command-line equivalent of a case's cfg.set() calls, or the first setting that has none. */
function argsFor(config: ReadonlyMap<string, unknown>): string[] | { unmapped: string } {
  const args: string[] = [];
  const flags: Record<string, string> = {
    limit_request_line: '--limit-request-line',
    limit_request_fields: '--limit-request-fields',
    limit_request_field_size: '--limit-request-field_size',
    header_map: '--header-map',
    forwarded_allow_ips: '--forwarded-allow-ips',
    proxy_protocol: '--proxy-protocol',
  };
  for (const [name, value] of config) {
    const flag = flags[name];
    if (flag === undefined) return { unmapped: `${name}=${JSON.stringify(value)}` };
    // Gunicorn 26 reads the old boolean proxy_protocol = True as auto.
    args.push(flag, value === true ? 'auto' : String(value));
  }
  return args;
}

interface Response { readonly status: number; readonly body: string }

/** Complete Content-Length-framed responses at the start of `data` (latin1). */
function parseResponses(data: string): Response[] {
  const out: Response[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return out;
    const head = data.slice(at, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (data.length < headEnd + 4 + length) return out;
    out.push({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), body: data.slice(headEnd + 4, headEnd + 4 + length) });
    at = headEnd + 4 + length;
  }
}

/**
 * Sends the case and collects responses until the server closes, or (valid) until it sent
 * as many as the case expects plus a short grace for an unexpected extra one, or a deadline.
 */
function send(port: number, c: CorpusCase): Promise<Response[]> {
  const wanted = typeof c.expect === 'string' ? Infinity : c.expect.length;
  return new Promise((resolve) => {
    let data = '';
    let grace: NodeJS.Timeout | undefined;
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(c.bytes));
    const done = (): void => { clearTimeout(deadline); clearTimeout(grace); s.destroy(); resolve(parseResponses(data)); };
    const deadline = setTimeout(done, 3000);
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (grace === undefined && parseResponses(data).length >= wanted) grace = setTimeout(done, 300);
    });
    s.on('error', done);
    s.on('close', done);
  });
}

interface Recorded {
  method: string; target: string; version: string; headers: string[]; body: string; trailers: string[];
}

const pairs = (raw: readonly string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!.toUpperCase(), raw[i + 1]!]);
  return out;
};

/** Why the responses do not show the case handled as Gunicorn does, or null when they do. */
function mismatch(c: CorpusCase, responses: readonly Response[]): string | null {
  const reached = responses.filter((r) => r.status === 200);
  if (typeof c.expect === 'string') {
    return reached.length === 0 ? null : `reached the app (Gunicorn raises ${c.expect})`;
  }
  if (reached.length !== c.expect.length || responses.length !== c.expect.length) {
    return `expected ${c.expect.length} request(s) to reach the app, got statuses [${responses.map((r) => r.status).join(', ')}]`;
  }
  for (const [i, want] of c.expect.entries()) {
    // The app's JSON is UTF-8; the stream was read as latin1.
    const got = JSON.parse(Buffer.from(reached[i]!.body, 'latin1').toString('utf8')) as Recorded;
    const actual: ExpectedRequest = {
      method: got.method,
      target: got.target,
      version: got.version,
      headers: pairs(got.headers),
      body: Buffer.from(got.body, 'base64').toString('latin1'),
      trailers: pairs(got.trailers),
    };
    const expected = { ...want, trailers: want.trailers ?? [] };
    try {
      assert.deepEqual(actual, expected);
    } catch {
      return `request ${i + 1}: got ${JSON.stringify(actual).slice(0, 300)}, want ${JSON.stringify(expected).slice(0, 300)}`;
    }
  }
  return null;
}

test('Gunicorn\'s request corpus through the binary', { timeout: 170_000 }, async (t) => {
  const cases = loadCorpus();
  if (cases === null) {
    console.log(`gunicorn request corpus not found at ${corpusDir()} (set GTS_GUNICORN_CORPUS); conformance not checked`);
    return;
  }
  const differences = documentedDifferences();
  const known = new Set(cases.map((c) => c.name));
  for (const name of differences) assert.ok(known.has(name), `docs table lists ${name}, which is not in the corpus`);

  const groups = new Map<string, CorpusCase[]>();
  const results = new Map<string, string | null>();
  for (const c of cases) {
    const args = argsFor(c.config);
    if (!Array.isArray(args)) {
      results.set(c.name, `cannot run: no setting for ${args.unmapped}`);
      continue;
    }
    const key = JSON.stringify(args);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [key, group] of groups) {
    const args = JSON.parse(key) as string[];
    const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...args, 'edge/record-app.mjs:app']);
    try {
      const started = await Promise.race([
        server.listening().then(([url]) => Number(new URL(url!).port)),
        server.exited.then(() => null),
      ]);
      if (started === null) {
        for (const c of group) results.set(c.name, `server refused ${args.join(' ')}: ${server.stderr.trim().split('\n').pop() ?? ''}`);
        continue;
      }
      await server.waitFor('a booted worker', () => server.bootedPids()[0]);
      const outcomes = await Promise.all(group.map(async (c) => [c.name, mismatch(c, await send(started, c))] as const));
      for (const [name, why] of outcomes) results.set(name, why);
    } finally {
      await server.stop();
    }
  }

  const unexpected = [...results].filter(([name, why]) => why !== null && !differences.has(name));
  const stale = [...results].filter(([name, why]) => why === null && differences.has(name));
  const matched = [...results].filter(([, why]) => why === null).length;
  t.diagnostic(`${matched} of ${cases.length} cases matched; ${differences.size} documented differences`);
  assert.deepEqual(unexpected.map(([n, w]) => `${n}: ${w}`), [], 'cases that differ from Gunicorn without a row in docs/http-edge.md');
  assert.deepEqual(stale.map(([n]) => n), [], 'cases in the differences table that now match: remove them from the table');
});
