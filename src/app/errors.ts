// Typed failures of APP_MODULE handling. Each class maps to one exit code the worker uses,
// so the arbiter can tell "your app is missing" (4) from "your app crashed while booting" (3)
// and stop instead of respawning forever, as Gunicorn does.
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

/** The module threw while loading, the factory threw, or what it yields is not an app. */
export class AppBootError extends Error {
  readonly exitCode = WORKER_BOOT_ERROR;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppBootError';
  }
}

/** The exit code a worker uses for an error raised while loading its app. */
export function appErrorExitCode(err: unknown): typeof APP_LOAD_ERROR | typeof WORKER_BOOT_ERROR {
  return err instanceof AppNotFoundError || err instanceof AppRefError ? APP_LOAD_ERROR : WORKER_BOOT_ERROR;
}

/** The app's own message on one line, without a stack trace (jiti puts file:line:col of a syntax error in it). */
export function describeThrown(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const text = err.message.startsWith(err.name) || err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
