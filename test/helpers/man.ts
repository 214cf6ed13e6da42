// Renders one of the repository's man pages with man(1), groff warnings on, as a reader's
// `man -l` would; the man page tests assert on its output and on an empty stderr.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function renderManPage(name: string, width = 80): { status: number | null; stdout: string; stderr: string } {
  const page = fileURLToPath(new URL(`../../../man/${name}`, import.meta.url));
  const env = { ...process.env, MANWIDTH: String(width), MANPAGER: 'cat', PAGER: 'cat', LANG: 'C.UTF-8' };
  const result = spawnSync('man', ['--warnings', '-l', page], { env, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  return result;
}
