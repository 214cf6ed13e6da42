// Builds the Logger a process uses from its settings: `logconfig` (a JSON or TS/JS file of
// pino options) and `logger_class` (`./file.ts:ClassName`, a subclass of Logger). Files are
// loaded with jiti relative to the working directory; a bad file is a clear Error.
// readFileSync, not fs/promises: loading node:fs/promises (and the readline and watcher
// modules it pulls in) cost every process 1-2 ms and ~0.4 MB (~1.1 MB on Node 24) for one
// small file read at start-up, when `logconfig` is a JSON file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';
import { loadJiti } from '../lazy-jiti.js';
import type { LoggerOptions } from 'pino';
import { Logger, type LoggerExtras } from './logger.js';
import type { LogSettings, Who } from './types.js';

export type LoggerClass = new (settings: LogSettings, who: Who, extras?: LoggerExtras) => Logger;

async function loader(cwd: string): Promise<Jiti> {
  return (await loadJiti())(pathToFileURL(`${cwd}/`).href, { moduleCache: false });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads `logconfig`: JSON parsed as JSON, anything else imported (its default export). */
export async function loadLogConfig(path: string, cwd = process.cwd()): Promise<LoggerOptions> {
  const file = resolve(cwd, path);
  let value: unknown;
  try {
    value = file.endsWith('.json')
      ? JSON.parse(readFileSync(file, 'utf8'))
      : await (await loader(cwd)).import(file, { default: true });
  } catch (err) {
    throw new Error(`logconfig: cannot load ${path}: ${(err as Error).message}`);
  }
  if (!isPlainObject(value)) {
    throw new Error(`logconfig: ${path} must contain an object of pino options, got ${typeof value}`);
  }
  return value as LoggerOptions;
}

/**
 * Loads `logger_class` (`MODULE:ClassName`, default export when the name is omitted).
 * The check is a static marker, not instanceof: jiti may load its own copy of logger.ts.
 */
export async function loadLoggerClass(spec: string, cwd = process.cwd()): Promise<LoggerClass> {
  const colon = spec.lastIndexOf(':');
  const hasName = colon > 1; // `C:\…` style drive letters are not names
  const modulePath = hasName ? spec.slice(0, colon) : spec;
  const name = hasName ? spec.slice(colon + 1) : 'default';
  let mod: Record<string, unknown>;
  try {
    const target = modulePath.startsWith('.') || modulePath.startsWith('/') ? resolve(cwd, modulePath) : modulePath;
    mod = await (await loader(cwd)).import(target) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`logger_class: cannot load ${modulePath}: ${(err as Error).message}`);
  }
  const cls = mod[name];
  if (typeof cls !== 'function') {
    throw new Error(`logger_class: ${modulePath} has no export named ${name} (found: ${Object.keys(mod).join(', ') || 'nothing'})`);
  }
  if ((cls as { isGunicornTsLogger?: unknown }).isGunicornTsLogger !== true) {
    throw new Error(`logger_class: ${spec} must be a class extending Logger from gunicorn-ts`);
  }
  return cls as LoggerClass;
}

/** The `logger_class` value that names the built-in logger (the setting's default). */
export const BUILT_IN_LOGGER = 'default';

/** The Logger for this process, honouring `logconfig` and `logger_class`. */
export async function createLogger(settings: LogSettings, who: Who, extras: LoggerExtras = {}): Promise<Logger> {
  const all: LoggerExtras = { ...extras };
  if (settings.logconfig !== null && settings.logconfig !== '') {
    all.pinoOptions = { ...(await loadLogConfig(settings.logconfig)), ...extras.pinoOptions };
  }
  const custom = settings.logger_class !== null && settings.logger_class !== '' && settings.logger_class !== BUILT_IN_LOGGER;
  const cls: LoggerClass = custom ? await loadLoggerClass(settings.logger_class!) : Logger;
  return new cls(settings, who, all);
}
