// What the worker finds on an app value when it stops or gets an upgrade: the server the app
// owns (an http.Server, a real Fastify instance's `server`, a NestJS-like getHttpServer()) and
// how its close() is awaited (a never-listened http.Server, a real Fastify instance, which is
// itself thenable, and a promise-returning close()).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { appServerOf } from '../../src/worker/upgrades.js';
import { closeApp, hasClose } from '../../src/worker/app-shutdown.js';

describe('the server an app owns', () => {
  it('is the app itself, Fastify\'s server, or what getHttpServer() returns; else none', async () => {
    const server = createServer();
    assert.equal(appServerOf(server), server);
    const fastify = Fastify();
    await fastify.ready();
    assert.equal(appServerOf(fastify), fastify.server);
    assert.equal(appServerOf({ getHttpServer: () => server }), server);
    assert.equal(appServerOf({ getHttpServer: () => { throw new Error('not nest'); } }), null);
    assert.equal(appServerOf((_req: unknown, _res: unknown) => undefined), null);
    assert.equal(appServerOf({ fetch: () => new Response('x') }), null);
    assert.equal(appServerOf(undefined), null);
    await fastify.close();
  });
});

describe('closing the app', () => {
  it('closes a never-listened http.Server, a Fastify instance (onClose runs) and an async close()', async () => {
    const server = createServer();
    let serverClosed = false;
    server.on('close', () => { serverClosed = true; });
    await closeApp(server);
    assert.ok(serverClosed);

    const fastify = Fastify();
    let onClose = false;
    fastify.addHook('onClose', async () => { onClose = true; });
    await fastify.ready();
    await closeApp(fastify);
    assert.ok(onClose, "Fastify's onClose hooks ran before closeApp resolved");

    let done = false;
    const wrapper = { close: async () => { await new Promise((r) => setTimeout(r, 5)); done = true; } };
    assert.ok(hasClose(wrapper));
    await closeApp(wrapper);
    assert.ok(done);
    assert.equal(hasClose((_req: unknown, _res: unknown) => undefined), false);
  });
});
