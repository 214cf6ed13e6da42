// Imported for its effect: a benchmark stopped with Ctrl-C, TERM or a timeout still runs its
// 'exit' handlers, which kill every server it started (no orphaned gunicorn-ts left behind).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
}
