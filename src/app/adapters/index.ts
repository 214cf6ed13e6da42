// The adapters' public entry: what an export yields → a Node request listener.
export { toRequestListener, appShape, describeValue } from './to-request-listener.js';
export { fetchToRequestListener, type FetchHandler, type NodeBindings } from './fetch-bridge.js';
