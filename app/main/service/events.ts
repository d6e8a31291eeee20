/** Events from the service to whoever carries them (Electron webContents, server-sent events). */
import type { EventChannel, EventChannels } from '../../common/ipc.js';

/** One event: its channel and payload, typed together. */
export type ServiceEvent = { [E in EventChannel]: { channel: E; payload: EventChannels[E] } }[EventChannel];

export type ServiceListener = (event: ServiceEvent) => void;

export class EventHub {
  private readonly listeners = new Set<ServiceListener>();

  subscribe(listener: ServiceListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit<E extends EventChannel>(channel: E, payload: EventChannels[E]): void {
    const event = { channel, payload } as ServiceEvent;
    for (const listener of [...this.listeners]) {
      // One broken subscriber (a closed socket, a destroyed window) must not starve the others.
      try {
        listener(event);
      } catch {
        // The subscriber's own cleanup will remove it.
      }
    }
  }
}

/** Passes the first and last report, and otherwise at most one per `intervalMs`. */
export function throttle(intervalMs: number): (done: number, total: number) => boolean {
  let last = -Infinity;
  return (done, total) => {
    const now = performance.now();
    if (done === 0 || done >= total || now - last >= intervalMs) {
      last = now;
      return true;
    }
    return false;
  };
}
