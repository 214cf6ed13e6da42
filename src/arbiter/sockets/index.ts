// The arbiter's listening sockets: parse `bind`, bind without accepting, take sockets over
// from systemd or a previous master. Import from here; the other files are internal.
export { type BindAddress, BindAddressError, parseBindAddress, formatBindAddress } from './bind-address.js';
export { BindError } from './bind-error.js';
export type { ListeningSocket } from './listening-socket.js';
export { type BindOptions, type BoundSockets, bindAll, bindAndListen } from './bind.js';
export { type FromFdsOptions, socketsFromFds, socketsFromSystemd } from './inherited.js';
export { bindMechanism } from './native-handle.js';
