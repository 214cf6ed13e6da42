// post_worker_init that warms the cache of recycle-app.mjs before the worker accepts
// (what the cold requests would have done: 20 backend round trips of 20 ms, 4 at a time).
export const post_worker_init = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  globalThis.__recycleCacheWarm = true;
};
