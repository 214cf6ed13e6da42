// Stops and restarts accepting on a listening net.Server without closing it, so that
// connections a full worker cannot serve stay in the kernel queue, where any other worker
// can accept them (worker_connections; the sync class's one request at a time).
//
// Why Node internals: Node has no public way to pause a listening socket, and closing it
// is final here (the fd was inherited and cannot be reopened). libuv accepts whenever the
// listening fd polls readable; uv_read_start/uv_read_stop toggle exactly that poll on a
// stream, and on a listening stream its callback stays the accept callback. Node exposes
// them as `readStart()`/`readStop()` on the server's handle. The first pause needs a
// readStart() first, because listen() polls without setting libuv's "reading" flag that
// readStop() checks. Only a handle opened from an inherited fd is "readable" to libuv; on
// any other (readStart() fails) pausing reports false and the caller must cope without it.
// test/unit/accept-pause.test.ts checks these assumptions on every Node the tests run on.
import type { Server } from 'node:net';

interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

export interface AcceptPause {
  /** Stops polling the listening fd; false when this server's handle cannot be paused. */
  pause(): boolean;
  /** Polls the listening fd again (no-op when not paused). */
  resume(): void;
  readonly paused: boolean;
}

/** Whether `handle` (a server's `_handle`, null once closed) has readStart() and readStop(). */
function isStreamHandle(handle: unknown): handle is StreamHandle {
  return typeof handle === 'object' && handle !== null
    && 'readStart' in handle && typeof handle.readStart === 'function'
    && 'readStop' in handle && typeof handle.readStop === 'function';
}

/** Pause control for a listening server, or null when its handle offers none. */
export function acceptPauseOf(server: Server): AcceptPause | null {
  const stream: unknown = Reflect.get(server, '_handle');
  if (!isStreamHandle(stream)) return null;
  // Whether libuv's "reading" flag is set (readStop() is a no-op without it).
  let readingFlag = false;
  let paused = false;
  return {
    get paused() { return paused; },
    pause(): boolean {
      if (paused) return true;
      if (!readingFlag && stream.readStart() !== 0) return false;
      stream.readStop();
      readingFlag = false;
      paused = true;
      return true;
    },
    resume(): void {
      if (!paused) return;
      readingFlag = stream.readStart() === 0;
      paused = false;
    },
  };
}
