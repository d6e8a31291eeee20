/**
 * Whether the agent still has a client. A client (the window's RemoteService) keeps one event
 * stream open for as long as it lives, and an open stream is a subscription to the service;
 * so the agent watches subscriptions instead of sockets. When none is left for `lingerMs`
 * (a window reloading reconnects well within it), or none came in the first `firstClientMs`,
 * the client is gone for good and `onGone` runs once.
 */
import type { ServiceBackend } from '../service/index.js';

export interface PresenceOptions {
  firstClientMs: number;
  lingerMs: number;
  onGone: () => void;
}

export function watchPresence(service: ServiceBackend, options: PresenceOptions): { service: ServiceBackend; stop(): void } {
  let clients = 0;
  let timer: NodeJS.Timeout | null = null;
  let gone = false;
  const arm = (ms: number): void => {
    timer = setTimeout(() => {
      gone = true;
      options.onGone();
    }, ms);
  };
  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  arm(options.firstClientMs);
  const tracked: ServiceBackend = {
    handle: (channel, request, signal) => service.handle(channel, request, signal),
    latestPlacement: () => service.latestPlacement(),
    close: () => service.close(),
    subscribe(listener) {
      const unsubscribe = service.subscribe(listener);
      clients++;
      disarm();
      let subscribed = true;
      return () => {
        unsubscribe();
        if (!subscribed) return;
        subscribed = false;
        clients--;
        if (clients === 0 && !gone) arm(options.lingerMs);
      };
    },
  };
  return { service: tracked, stop: disarm };
}
