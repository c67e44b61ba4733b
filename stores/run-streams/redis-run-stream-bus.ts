import { Redis } from 'ioredis';
import { createChannelSubscriptions } from './channel-subscriptions.ts';
import { encodeMessages, type RunStreamBus, type RunStreamSubscription } from './run-stream-bus.ts';

const channelFor = (runId: string) => `soma:run-stream:${runId}`;

/**
 * Run streams over Redis pub/sub, for deployments with many API and worker processes: it takes
 * the fan-out off Postgres. A subscriber connection is opened on first use.
 */
export function createRedisRunStreamBus(url: string, log?: (message: string) => void): RunStreamBus {
  // Commands queue while a connection is (re)established rather than failing at once.
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let subscriber: Redis | undefined;
  const subscriptions = createChannelSubscriptions();
  publisher.on('error', (err: Error) => log?.(`redis: ${err.message}`));

  const subscriberClient = (): Redis => {
    if (subscriber) return subscriber;
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    client.on('error', (err: Error) => log?.(`redis subscriber: ${err.message}`));
    client.on('message', (channel: string, payload: string) => subscriptions.deliver(channel, payload));
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
      return subscriptions.add(
        channel,
        onEvents,
        () => client.subscribe(channel),
        () => client.unsubscribe(channel),
      );
    },

    async close() {
      subscriptions.clear();
      publisher.disconnect();
      subscriber?.disconnect();
    },
  };
}
