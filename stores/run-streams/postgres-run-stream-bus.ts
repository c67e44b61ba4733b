import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool } from '../../platform/db/pool.ts';
import { createChannelSubscriptions } from './channel-subscriptions.ts';
import { encodeMessages, type RunStreamBus, type RunStreamSubscription } from './run-stream-bus.ts';

/** One channel per run: Postgres only wakes the connections listening to it. Names stay under 63 bytes. */
export function channelFor(runId: string): string {
  return `soma_run_${createHash('sha256').update(runId).digest('hex').slice(0, 40)}`;
}

export interface PostgresRunStreamBusOptions {
  pool: Pool;
  /** For the dedicated listening connection (LISTEN needs a connection of its own). */
  connectionString: string;
  log?: (message: string) => void;
}

/**
 * Run streams over LISTEN/NOTIFY. Publishing borrows a pooled connection; subscribing shares
 * one listening connection per process, opened on first use and reopened if it drops (the
 * runs it served then finish from their workflow results).
 */
export function createPostgresRunStreamBus(options: PostgresRunStreamBusOptions): RunStreamBus {
  const subscriptions = createChannelSubscriptions();
  let listener: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    listener ??= (async () => {
      const client = new pg.Client({ connectionString: options.connectionString });
      client.on('notification', (note) => {
        if (note.payload !== undefined) subscriptions.deliver(note.channel, note.payload);
      });
      const drop = (err?: Error) => {
        if (err) options.log?.(`run stream listener lost: ${err.message}`);
        listener = undefined;
        subscriptions.clear();
      };
      client.on('error', drop);
      client.on('end', () => drop());
      try {
        await client.connect();
      } catch (err) {
        listener = undefined;
        throw err;
      }
      return client;
    })();
    return listener;
  };

  return {
    async publish(runId, events) {
      const channel = channelFor(runId);
      for (const payload of encodeMessages(events)) {
        await options.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
      }
    },

    async subscribe(runId, onEvents): Promise<RunStreamSubscription> {
      if (closed) throw new Error('run stream bus is closed');
      const channel = channelFor(runId);
      const client = await connect();
      return subscriptions.add(
        channel,
        onEvents,
        () => client.query(`LISTEN ${channel}`),
        () => client.query(`UNLISTEN ${channel}`),
      );
    },

    async close() {
      closed = true;
      const pending = listener;
      listener = undefined;
      subscriptions.clear();
      if (pending) await (await pending.catch(() => undefined))?.end().catch(() => undefined);
    },
  };
}
