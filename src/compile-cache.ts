// Node's on-disk compile cache (Node >= 22.1; absent on Node 20, where this does nothing): the
// bytecode of our modules and our dependencies is kept in the system temp directory, so the
// next start of the arbiter or of a worker skips compiling them. Called first by each entry
// point, before the modules it loads. GUNICORN_TS_COMPILE_CACHE=0 turns it off.
import module from 'node:module';

export function enableCompileCache(): void {
  if (process.env['GUNICORN_TS_COMPILE_CACHE'] === '0') return;
  // @types/node for Node 20 does not declare it.
  const enable: unknown = Reflect.get(module, 'enableCompileCache');
  if (typeof enable === 'function') enable.call(module);
}
