// The app of `bench/recycle-fast` (and `bench/recycle-cold`): a worker takes 800 ms to boot
// (an async factory), then answers at once, so what recycling costs is the CPU and the gap of
// each replacement.
const BOOT_MS = 800;

export async function create() {
  await new Promise((resolve) => setTimeout(resolve, BOOT_MS));
  return function app(_req, res) {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('Hello World\n');
  };
}
