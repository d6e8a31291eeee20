/** Serve mode: the renderer and the service over loopback HTTP with a token. */
export { DEFAULT_HOST, UNIX_SOCKET_HOST, startServer, type RunningServer, type ServeOptions } from './server.js';
export { COMMON_HEADERS, CONTENT_SECURITY_POLICY } from './security-headers.js';
export { DEFAULT_MAX_EVENT_STREAMS } from './events-stream.js';
export { parseAllowedHost } from './access.js';
export { MAX_BODY_BYTES } from './api.js';
