// The control socket's framing (Gunicorn 26's: 4-byte big-endian length, then JSON): messages
// split across chunks or packed into one, oversized and non-JSON frames refused; and the
// command parser's answers to bad commands.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asRequest, encodeMessage, MessageReader, MAX_MESSAGE_BYTES, ProtocolError } from '../../src/status/protocol.js';
import { ControlCommands, type ControlTarget } from '../../src/status/commands.js';
import { initialState } from '../../src/arbiter/policy/index.js';
import { BASE } from './policy-harness.js';

describe('control socket framing', () => {
  it('reassembles a message split byte by byte, and splits two packed into one chunk', () => {
    const reader = new MessageReader();
    const bytes = encodeMessage({ id: 1, command: 'show workers', args: [] });
    const seen: unknown[] = [];
    for (const byte of bytes) seen.push(...reader.push(Buffer.from([byte])));
    assert.deepEqual(seen, [{ id: 1, command: 'show workers', args: [] }]);
    assert.deepEqual(reader.push(Buffer.concat([encodeMessage({ a: 1 }), encodeMessage({ b: 2 })])), [{ a: 1 }, { b: 2 }]);
    assert.equal(reader.pending, 0);
  });

  it('the length is big-endian, as gunicornc writes it', () => {
    assert.deepEqual([...encodeMessage({}).subarray(0, 4)], [0, 0, 0, 2]);
  });

  it('refuses a length above the limit (a line of text is not a frame) and a payload that is not JSON', () => {
    assert.throws(() => new MessageReader().push(Buffer.from('{"command":"status"}\n')), ProtocolError);
    const big = Buffer.alloc(4);
    big.writeUInt32BE(MAX_MESSAGE_BYTES + 1);
    assert.throws(() => new MessageReader().push(big), /too large/);
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('abc')]);
    assert.throws(() => new MessageReader().push(notJson), /not JSON/);
  });

  it('a request needs a command; args are strings (numbers are accepted as gunicornc sends them)', () => {
    assert.deepEqual(asRequest({ id: 3, command: 'worker', args: ['add', 2] }), { id: 3, command: 'worker', args: ['add', '2'] });
    assert.match(String(asRequest({ id: 3 })), /"command"/);
    assert.match(String(asRequest({ command: 'x', args: 'y' })), /"args"/);
  });
});

describe('control commands', () => {
  const target: ControlTarget = {
    state: () => ({ ...initialState(BASE), phase: 'running' }),
    refresh: () => Promise.resolve(),
    scale: () => undefined,
    config: () => ({ workers: 2, post_fork: function postFork() { /* hook */ } }),
    listeners: () => [],
    signalMaster: () => undefined,
    signalWorker: () => false,
    instance: () => null,
  };
  const commands = new ControlCommands(target, { pid: 1, version: 'x', procName: 'p', startedAt: 0 }, () => 1000);
  const CASES: ReadonlyArray<[string, RegExp]> = [
    ['bogus', /unknown command "bogus": try help/],
    ['show', /show: expected all, workers, stats, config or listeners$/],
    ['show workers now', /show workers: unexpected "now"/],
    ['worker add two', /worker add: expected a whole number of workers >= 1, got "two"/],
    ['worker remove 0', /worker remove: expected a whole number of workers >= 1, got "0"/],
    ['worker kill', /worker kill: expected a worker pid, got ""/],
    ['worker', /worker: expected add \[N\], remove \[N\] or kill PID$/],
    ['shutdown later', /shutdown: expected graceful or quick, got "later"/],
    ['reload now', /reload: unexpected "now"/],
  ];
  for (const [command, error] of CASES) {
    it(`"${command}" is refused with a message saying what was expected`, async () => {
      await assert.rejects(commands.run(command, []), error);
    });
  }

  it('show config names hooks instead of failing on a function; worker kill of a stranger says so', async () => {
    assert.deepEqual(await commands.run('show', ['config']), { workers: 2, post_fork: '[function postFork]' });
    assert.deepEqual(await commands.run('WORKER KILL 42', []), { success: false, error: 'Worker 42 not found' });
  });
});
