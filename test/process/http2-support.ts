// Clients for the HTTP/2 process tests: curl (its own nghttp2) for one request, and Node's
// http2 client for load that must survive a worker retiring (GOAWAY) and for a rapid-reset flood.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http2 from 'node:http2';

export interface CurlResult { readonly version: string; readonly status: number; readonly body: string }

/** One request with curl; `args` choose the protocol (--http2, --http2-prior-knowledge, --http1.1). */
export function curl(url: string, args: readonly string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_version} %{http_code}', ...args, url], (err, stdout, stderr) => {
      if (err) { reject(new Error(`curl failed: ${stderr || err.message}`)); return; }
      const cut = stdout.lastIndexOf('\n');
      const [version = '', status = '0'] = stdout.slice(cut + 1).split(' ');
      resolve({ version, status: Number(status), body: stdout.slice(0, cut) });
    });
  });
}

export interface LoadResult { readonly ok: number; readonly failed: string[]; readonly retried: number; readonly pids: Set<number> }

/**
 * Keeps `concurrency` streams going over `sessions` HTTP/2 connections (one at a time per
 * slot) until `stop()`. A GOAWAY makes the client open a new connection for later streams,
 * as HTTP/2 clients do; a stream the server refused (never processed: REFUSED_STREAM, or
 * opened on a session already going away) is retried there, which RFC 9113 §8.7 makes safe.
 * Anything else fails.
 */
export function http2Load(origin: string, connect: http2.SecureClientSessionOptions, concurrency: number, sessions = 1): { stop(): Promise<LoadResult> } {
  const failed: string[] = [];
  const pids = new Set<number>();
  let ok = 0;
  let retried = 0;
  let running = true;
  const slots: (http2.ClientHttp2Session | null)[] = Array.from({ length: sessions }, () => null);
  const opened: http2.ClientHttp2Session[] = [];
  const current = (slot: number): http2.ClientHttp2Session => {
    const existing = slots[slot];
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const s = http2.connect(origin, connect);
    s.on('error', () => undefined);
    // After GOAWAY the client finishes what the server will still answer, then closes.
    s.on('goaway', () => { if (slots[slot] === s) slots[slot] = null; s.close(); });
    s.on('close', () => { if (slots[slot] === s) slots[slot] = null; });
    opened.push(s);
    slots[slot] = s;
    return s;
  };
  const once = (slot: number): Promise<'ok' | 'retry' | string> => new Promise((resolve) => {
    let req: http2.ClientHttp2Stream;
    try {
      req = current(slot).request({ ':path': '/h2?delay=5' });
    } catch {
      slots[slot] = null;
      resolve('retry');
      return;
    }
    let body = '';
    let status = 0;
    req.setEncoding('utf8');
    req.on('response', (headers) => { status = Number(headers[':status']); });
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => {
      if (status !== 200) { resolve(`status ${status}`); return; }
      pids.add((JSON.parse(body) as { pid: number }).pid);
      resolve('ok');
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const refused = req.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM || err.code === 'ERR_HTTP2_GOAWAY_SESSION';
      resolve(refused && status === 0 ? 'retry' : `${err.code ?? ''} ${err.message} rst=${req.rstCode}`);
    });
  });
  const loop = async (slot: number): Promise<void> => {
    while (running) {
      let outcome = await once(slot);
      // A client gives up after a few refusals in a row; a server that keeps refusing fails.
      for (let tries = 0; outcome === 'retry'; tries++) {
        if (tries === 10) { outcome = 'refused 10 times in a row'; break; }
        retried++;
        outcome = await once(slot);
      }
      if (outcome === 'ok') ok++;
      else failed.push(outcome);
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i % sessions));
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      for (const s of opened) s.destroy();
      return { ok, failed, retried, pids };
    },
  };
}

/**
 * Rapid reset (CVE-2023-44487): opens streams and cancels each at once, `count` times over
 * one connection (or until the server ends it). Resolves with how many were sent.
 */
export function rapidReset(origin: string, connect: http2.SecureClientSessionOptions, count: number): Promise<number> {
  return new Promise((resolve) => {
    const s = http2.connect(origin, connect);
    let sent = 0;
    const done = (): void => { s.destroy(); resolve(sent); };
    s.on('error', done);
    s.on('goaway', done);
    s.on('close', done);
    s.on('connect', () => {
      const burst = (): void => {
        for (let i = 0; i < 100 && sent < count && !s.closed && !s.destroyed; i++) {
          try {
            const req = s.request({ ':path': '/flood' });
            req.on('error', () => undefined);
            req.close(http2.constants.NGHTTP2_CANCEL);
            sent++;
          } catch {
            done();
            return;
          }
        }
        if (sent >= count) done();
        else setImmediate(burst);
      };
      burst();
    });
  });
}

const FLOOD = fileURLToPath(new URL('./http2-flood.js', import.meta.url));

/** rapidReset() from a separate client process (killed after `ms` at most); resolves with streams sent. */
export function rapidResetProcess(origin: string, count: number, ms = 20_000): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [FLOOD, origin, String(count)], { timeout: ms }, (err, stdout) => {
      if (err) reject(err);
      else resolve(Number(stdout.trim()));
    });
  });
}
