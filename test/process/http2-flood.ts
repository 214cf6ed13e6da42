// A hostile client in its own process: a rapid-reset flood (http2-support.ts) against the
// origin in argv, printing how many streams it opened and cancelled. Its own process, so
// whatever the flood leaves behind in the client (Node 24 keeps its loop alive) dies with it.
import { rapidReset } from './http2-support.js';

const [origin = '', count = '20000'] = process.argv.slice(2);
const sent = await rapidReset(origin, { rejectUnauthorized: false }, Number(count));
process.stdout.write(`${sent}\n`);
process.exit(0);
