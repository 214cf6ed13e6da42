// Gunicorn's request limits (limit_request_line, limit_request_fields,
// limit_request_field_size) on top of Node's parser, which only caps the whole head:
// the server options give llhttp room for any request within the limits, and
// head-checks.ts applies the exact limits before the app runs.

import type { IncomingMessage, ServerOptions } from 'node:http';

export const MAX_REQUEST_LINE = 8190;
export const MAX_REQUEST_FIELDS = 32768;
export const MAX_FIELD_SIZE = 8190;
/** Head room llhttp gets for a request line when limit_request_line is 0 (unlimited). */
export const UNLIMITED_LINE_ALLOWANCE = 65536;

export interface LimitSettings {
  readonly limit_request_line: number;
  readonly limit_request_fields: number;
  readonly limit_request_field_size: number;
  /** Gunicorn's worker timeout (s); bounds how long a client may take to send its headers. */
  readonly timeout?: number;
  /** Gunicorn's keepalive (s): idle time allowed between requests on one connection. */
  readonly keepalive?: number;
}

export class LimitSettingError extends Error {
  constructor(readonly setting: string, value: unknown, expected: string) {
    super(`${setting}: ${JSON.stringify(value)} is out of range, expected ${expected}`);
    this.name = 'LimitSettingError';
  }
}

export interface Limits {
  /** 0 = no check. */
  readonly requestLine: number;
  readonly fields: number;
  /** 0 = no per-field check (the total head is still capped by maxHeaderSize). */
  readonly fieldSize: number;
}

function checked(setting: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new LimitSettingError(setting, value, `an integer from ${min} to ${max}`);
  return value;
}

export function resolveLimits(s: LimitSettings): Limits {
  return Object.freeze({
    requestLine: checked('limit_request_line', s.limit_request_line, 0, MAX_REQUEST_LINE),
    fields: checked('limit_request_fields', s.limit_request_fields, 0, MAX_REQUEST_FIELDS),
    fieldSize: checked('limit_request_field_size', s.limit_request_field_size, 0, MAX_FIELD_SIZE),
  });
}

/**
 * llhttp counts the bytes of the URL and of every header name and value against
 * maxHeaderSize. Give it the most a request within the limits can use, plus slack, so
 * that only checkHead() (head-checks.ts) decides (with the precise status) for such requests.
 */
export function maxHeaderSizeFor(limits: Limits): number {
  const line = limits.requestLine || UNLIMITED_LINE_ALLOWANCE;
  const field = limits.fieldSize || MAX_FIELD_SIZE;
  return line + limits.fields * (field + 4) + 1024;
}

/** Options for http.createServer / https.createServer derived from the settings. */
export function serverOptionsFor(s: LimitSettings): ServerOptions {
  const limits = resolveLimits(s);
  const headersTimeout = s.timeout !== undefined && s.timeout > 0 ? Math.round(s.timeout * 1000) : 60_000;
  const options: ServerOptions = {
    maxHeaderSize: maxHeaderSizeFor(limits),
    insecureHTTPParser: false,
    requireHostHeader: true,
    headersTimeout,
    requestTimeout: Math.max(300_000, headersTimeout),
    // Node checks both timeouts on this interval (30 s by default), which would let a
    // slow client keep its connection up to 30 s longer than configured.
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };
  if (s.keepalive !== undefined) options.keepAliveTimeout = Math.round(s.keepalive * 1000);
  return options;
}

/** http.Server.maxHeadersCount: one more than the limit, so an excess is visible to the check. */
export function maxHeadersCountFor(limits: Limits): number {
  return limits.fields + 1;
}

/** Length of the request line as sent, CRLF excluded: "METHOD SP target SP HTTP/x.y". */
export function requestLineLength(req: IncomingMessage): number {
  return (req.method ?? '').length + 1 + (req.url ?? '').length + 1 + 'HTTP/'.length + req.httpVersion.length;
}
