// Typed failures of APP_MODULE handling. Each class maps to one exit code the worker uses,
// so the arbiter can tell "your app is missing" (4) from "your app crashed while booting" (3)
// and stop instead of respawning forever, as Gunicorn does.
import { fileURLToPath } from 'node:url';
import { APP_LOAD_ERROR, WORKER_BOOT_ERROR } from '../ipc/messages.js';

/** APP_MODULE text that does not follow `MODULE[:NAME[(literals)]]`. */
export class AppRefError extends Error {
  readonly exitCode = APP_LOAD_ERROR;
  constructor(text: string, reason: string) {
    super(`invalid APP_MODULE ${JSON.stringify(text)}: ${reason}`);
    this.name = 'AppRefError';
  }
}

/** The module cannot be found, or it does not export the requested name. */
export class AppNotFoundError extends Error {
  readonly exitCode = APP_LOAD_ERROR;
  constructor(message: string) {
    super(message);
    this.name = 'AppNotFoundError';
  }
}

/** The export exists but is none of the supported app shapes (Gunicorn: "must be callable"). */
export class NotAnAppError extends AppNotFoundError {
  constructor(message: string) {
    super(message);
    this.name = 'NotAnAppError';
  }
}

/**
 * The module threw while loading, the factory threw, or what it yields is not an app. The
 * message names the app's own line (`file:line:col`, the .ts line for TypeScript); `appStack`
 * is the thrown error's stack without gunicorn-ts's and jiti's frames.
 */
export class AppBootError extends Error {
  readonly exitCode = WORKER_BOOT_ERROR;
  readonly appStack: string | null;
  constructor(message: string, options?: { cause?: unknown }) {
    const where = options?.cause === undefined ? null : appLocation(options.cause);
    super(where === null || message.includes(where) ? message : `${message} (at ${where})`, options);
    this.name = 'AppBootError';
    this.appStack = options?.cause === undefined ? null : appStack(options.cause);
  }
}

/** The exit code a worker uses for an error raised while loading its app. */
export function appErrorExitCode(err: unknown): typeof APP_LOAD_ERROR | typeof WORKER_BOOT_ERROR {
  return err instanceof AppNotFoundError || err instanceof AppRefError ? APP_LOAD_ERROR : WORKER_BOOT_ERROR;
}

/** The app's own message on one line, without a stack trace (jiti puts file:line:col of a syntax error in it). */
export function describeThrown(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Our own classes' names add nothing to their messages; an app's TypeError or RangeError does.
  const ours = err instanceof AppBootError || err instanceof AppNotFoundError || err instanceof AppRefError;
  const text = ours || err.message.startsWith(err.name) || err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** gunicorn-ts's own files (dist/src, or src when run from source), never "the app's line". */
const OWN_ROOT = fileURLToPath(new URL('../', import.meta.url));
const FRAME = /^\s*at (?:async )?(?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

function frames(err: unknown): string[] {
  const stack = err instanceof Error ? err.stack : undefined;
  return stack === undefined ? [] : stack.split('\n').filter((line) => FRAME.test(line));
}

function isOwnOrLoaderFrame(line: string): boolean {
  const file = fileOf(line);
  return file === null || file.startsWith('node:') || file.startsWith(OWN_ROOT) || file.includes('/node_modules/jiti/');
}

function fileOf(line: string): string | null {
  const match = FRAME.exec(line);
  if (!match) return null;
  const file = match[1]!;
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}

/** `file:line:col` of the first stack frame in the app's own code (not Node's, a package's or ours). */
export function appLocation(err: unknown): string | null {
  for (const line of frames(err)) {
    if (isOwnOrLoaderFrame(line) || line.includes('/node_modules/')) continue;
    const match = FRAME.exec(line)!;
    return `${fileOf(line)}:${match[2]}:${match[3]}`;
  }
  return null;
}

/** The error's stack trace ("Error: msg" and its frames), without gunicorn-ts's, jiti's and Node's internal frames. */
export function appStack(err: unknown): string | null {
  if (!(err instanceof Error) || err.stack === undefined) return null;
  const lines = err.stack.split('\n');
  const kept = lines.filter((line) => !FRAME.test(line) || !isOwnOrLoaderFrame(line));
  return kept.join('\n');
}
