/** The service behind every face of numascope: request handlers and events over the contract. */
export { NumascopeService, type RequestHandlers, type ServiceBackend, type ServiceOptions } from './service.js';
export { defaultDeps, type PollerLike, type ServiceDeps } from './deps.js';
export type { ServiceEvent, ServiceListener } from './events.js';
export { CHANGE_RANGE_LIMIT } from './wire.js';
export { PlacementFeed, type PublishInput } from './placement-feed.js';
