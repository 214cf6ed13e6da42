// Test support for the paste tests (not a test file): serves a request listener on 127.0.0.1
// port 0 with a real http.Server, and a toListener stand-in that accepts only (req, res) functions.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Headers }>;
  close(): Promise<void>;
}

export async function serve(listener: RequestListener): Promise<Served> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    async get(path, headers) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, headers ? { headers } : {});
      return { status: res.status, body: await res.text(), headers: res.headers };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export async function functionsOnly(value: unknown, description: string): Promise<RequestListener> {
  if (typeof value === 'function') return value as RequestListener;
  throw new Error(`${description} is not a request listener (found ${typeof value})`);
}

export const fixturesDir = new URL('../../../test/fixtures/paste/', import.meta.url).pathname;
