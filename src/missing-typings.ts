// Documented API that the installed typings leave out, declared here (and only here) so that
// the code calls it as typed API instead of casting. Types only: this module has no code.
// Undocumented internals (net._createServerHandle, a server's _handle, ...) are not declared
// here: their readers check them at run time (arbiter/sockets/native-handle.ts,
// worker/accept-pause.ts, http/proxy-accept.ts).

declare global {
  namespace NodeJS {
    interface Process {
      /**
       * Node's process.initgroups(user, extraGroup): POSIX only, missing from @types/node 20.
       * Declared as later @types/node releases declare it (optional, like setgroups).
       */
      initgroups?: (user: string | number, extraGroup: string | number) => void;
    }
  }
}

declare module 'sonic-boom' {
  interface SonicBoom {
    /**
     * A stream made with `contentMode: 'buffer'` takes Buffers (sonic-boom's README, "contentMode");
     * its typings describe only the default 'utf8' mode. Only the access log's batches
     * (log/line-batch.ts) write Buffers, to a stream opened in that mode (log/destination.ts).
     */
    write(data: Buffer): boolean;
  }
}

export {};
