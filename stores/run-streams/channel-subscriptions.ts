import { decodeMessage, type RunStreamSubscription } from './run-stream-bus.ts';
import type { RunStreamEvent } from './run-stream-events.ts';

type Handler = (events: RunStreamEvent[]) => void;

interface ChannelEntry {
  handlers: Set<Handler>;
  /** Settles once the server has the subscription. */
  ready: Promise<void>;
}

export interface ChannelSubscriptions {
  /** Subscribes on the server for the channel's first handler only; resolves once it is in place. */
  add(channel: string, handler: Handler, listen: () => Promise<unknown>, unlisten: () => Promise<unknown>): Promise<RunStreamSubscription>;
  /** Hands a received payload to the channel's handlers. */
  deliver(channel: string, payload: string): void;
  clear(): void;
}

/**
 * The per-process bookkeeping both buses share: many local subscribers of one run share one
 * server-side subscription, which is dropped when the last of them leaves.
 */
export function createChannelSubscriptions(): ChannelSubscriptions {
  const channels = new Map<string, ChannelEntry>();
  return {
    async add(channel, handler, listen, unlisten) {
      let entry = channels.get(channel);
      if (!entry) {
        entry = { handlers: new Set(), ready: listen().then(() => undefined) };
        channels.set(channel, entry);
      }
      entry.handlers.add(handler);
      try {
        await entry.ready;
      } catch (err) {
        entry.handlers.delete(handler);
        if (channels.get(channel) === entry) channels.delete(channel);
        throw err;
      }
      return {
        async close() {
          const current = channels.get(channel);
          if (!current?.handlers.delete(handler) || current.handlers.size > 0) return;
          channels.delete(channel);
          await unlisten().catch(() => undefined);
        },
      };
    },
    deliver(channel, payload) {
      const entry = channels.get(channel);
      if (!entry) return;
      const events = decodeMessage(payload);
      for (const handler of entry.handlers) handler(events);
    },
    clear() {
      channels.clear();
    },
  };
}
