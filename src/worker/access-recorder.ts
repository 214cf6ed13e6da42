// Hands every finished request to the Logger's access() (access log, syslog and statsd).
// The worker's response class (worker-response.ts) notes what a request needs as it
// arrives; serve-request.ts calls finished() from the one 'close' listener every response
// shares, with the duration it already measured for /metrics: the access log adds no clock
// read, no listener and no per-request state of its own.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../log/index.js';
import { arrivalAddress, arrivalTarget, bodyBytes, wallClockMs, type ResponseFeatures } from './worker-response.js';

export interface AccessRecorder {
  /** What the worker's response class must note for the access log. */
  readonly features: ResponseFeatures;
  /** Call when each response closes: `arrivedMs` is its monotonicMs() at arrival. */
  finished(res: ServerResponse, arrivedMs: number, durationMs: number): void;
}

/** The recorder for `log`, or null when nothing wants the requests (no access log, syslog or statsd). */
export function accessRecorder(log: Logger): AccessRecorder | null {
  if (!log.recordsRequests) return null;
  const { accesslog, syslog } = log.settings;
  const atoms = log.accessAtoms;
  // A subclass overriding access() may read any field: it gets all of them.
  const everything = log.overridesAccess;
  const writes = accesslog !== null || syslog;
  const features: ResponseFeatures = {
    countBytes: everything || (writes && (atoms.includes('b') || atoms.includes('B'))),
    keepHeadHeaders: writes && atoms.some((a) => a.endsWith('}o')),
    captureAddress: everything || (writes && atoms.includes('h')),
    captureTarget: everything || (writes && atoms.some((a) => a === 'r' || a === 'U' || a === 'q')),
  };
  return {
    features,
    finished(res, arrivedMs, durationMs) {
      log.access({
        req: res.req, res, startedMs: wallClockMs(arrivedMs), durationMs,
        responseBytes: bodyBytes(res), remoteAddress: arrivalAddress(res), target: arrivalTarget(res),
      });
    },
  };
}
