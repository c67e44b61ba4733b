import { Redis } from 'ioredis';
import { decodeMessage, encodeMessages, type RunStreamBus, type RunStreamSubscription } from './run-stream-bus.ts';
import type { RunStreamEvent } from './run-stream-events.ts';

interface ChannelEntry {
  handlers: Set<(events: RunStreamEvent[]) => void>;
  ready: Promise<void>;
}

const channelFor = (runId: string) => `soma:run-stream:${runId}`;

/**
 * Run streams over Redis pub/sub, for deployments with many API and worker processes: it takes
 * the fan-out off Postgres. A subscriber connection is opened on first use.
 */
export function createRedisRunStreamBus(url: string, log?: (message: string) => void): RunStreamBus {
  // Commands queue while a connection is (re)established rather than failing at once.
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let subscriber: Redis | undefined;
  // One entry per channel this process listens to; `ready` settles once the server has it.
  const handlers = new Map<string, ChannelEntry>();
  for (const client of [publisher]) client.on('error', (err: Error) => log?.(`redis: ${err.message}`));

  const subscriberClient = (): Redis => {
    if (subscriber) return subscriber;
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    client.on('error', (err: Error) => log?.(`redis subscriber: ${err.message}`));
    client.on('message', (channel: string, payload: string) => {
      const entry = handlers.get(channel);
      if (!entry) return;
      const events = decodeMessage(payload);
      for (const handler of entry.handlers) handler(events);
    });
    subscriber = client;
    return client;
  };

  return {
    async publish(runId, events) {
      const channel = channelFor(runId);
      for (const payload of encodeMessages(events)) await publisher.publish(channel, payload);
    },

    async subscribe(runId, onEvents): Promise<RunStreamSubscription> {
      const channel = channelFor(runId);
      const client = subscriberClient();
      let entry = handlers.get(channel);
      if (!entry) {
        entry = { handlers: new Set(), ready: client.subscribe(channel).then(() => undefined) };
        handlers.set(channel, entry);
      }
      entry.handlers.add(onEvents);
      try {
        await entry.ready;
      } catch (err) {
        entry.handlers.delete(onEvents);
        if (handlers.get(channel) === entry) handlers.delete(channel);
        throw err;
      }
      return {
        async close() {
          const current = handlers.get(channel);
          if (!current?.handlers.delete(onEvents) || current.handlers.size > 0) return;
          handlers.delete(channel);
          await client.unsubscribe(channel).catch(() => undefined);
        },
      };
    },

    async close() {
      handlers.clear();
      publisher.disconnect();
      subscriber?.disconnect();
    },
  };
}
