import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool } from '../pool.ts';
import { decodeMessage, encodeMessages, type RunStreamBus, type RunStreamSubscription } from './run-stream-bus.ts';
import type { RunStreamEvent } from './run-stream-events.ts';

interface ChannelEntry {
  handlers: Set<(events: RunStreamEvent[]) => void>;
  ready: Promise<void>;
}

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
  // One entry per channel this process listens to; `ready` settles once the server has it.
  const handlers = new Map<string, ChannelEntry>();
  let listener: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    listener ??= (async () => {
      const client = new pg.Client({ connectionString: options.connectionString });
      client.on('notification', (note) => {
        const entry = handlers.get(note.channel);
        if (!entry || note.payload === undefined) return;
        const events = decodeMessage(note.payload);
        for (const handler of entry.handlers) handler(events);
      });
      const drop = (err?: Error) => {
        if (err) options.log?.(`run stream listener lost: ${err.message}`);
        listener = undefined;
        handlers.clear();
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
      let entry = handlers.get(channel);
      if (!entry) {
        entry = { handlers: new Set(), ready: client.query(`LISTEN ${channel}`).then(() => undefined) };
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
          await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
        },
      };
    },

    async close() {
      closed = true;
      const pending = listener;
      listener = undefined;
      handlers.clear();
      if (pending) await (await pending.catch(() => undefined))?.end().catch(() => undefined);
    },
  };
}
