import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { worklistChanges, type ChangeFeed } from '../../app/worklist/changes.ts';
import type { AppContext } from '../../app/context.ts';
import { COMMON, errors } from '../schemas.ts';
import type { Api, RouteContext } from '../server.ts';

/** The server's open event streams and the one feed they share. */
export interface LiveStreams {
  readonly worklist: ChangeFeed;
  /** Ends every open stream (at shutdown: they would otherwise hold the server open). */
  endAll(): void;
  /** Streams open now. */
  readonly open: number;
  readonly streams: Set<ServerResponse>;
  readonly options: Required<Omit<LiveOptions, 'onError'>>;
}

export interface LiveOptions {
  /** How often the store is asked for changes while anyone watches. */
  readonly everyMs?: number;
  /** A stream is ended after this long; the client reconnects, authenticating again. */
  readonly maxStreamMs?: number;
  /** A comment is sent this often, so that idle proxies do not cut the stream. */
  readonly heartbeatMs?: number;
  readonly onError?: (e: unknown) => void;
}

export function liveStreams(app: AppContext, o: LiveOptions = {}): LiveStreams {
  const streams = new Set<ServerResponse>();
  const worklist = worklistChanges(app, { ...(o.everyMs !== undefined ? { everyMs: o.everyMs } : {}), ...(o.onError ? { onError: o.onError } : {}) });
  return {
    worklist,
    streams,
    options: { everyMs: o.everyMs ?? 1000, maxStreamMs: o.maxStreamMs ?? 10 * 60_000, heartbeatMs: o.heartbeatMs ?? 20_000 },
    endAll() {
      worklist.close();
      // Ended, then the socket closed once the last bytes are out: a client that went away without
      // closing its side (an aborted fetch) would hold the closing server for seconds.
      for (const s of streams) s.end(() => s.socket?.destroy());
      streams.clear();
    },
    get open() {
      return streams.size;
    },
  };
}

/**
 * GET /worklist/changes: a stream of server-sent events, one `worklist` event whenever the
 * worklist may have changed (and one at once), so that open worklists fetch their first pages
 * again at once instead of polling. The event carries an opaque token only; the pages are fetched
 * through GET /worklist, under the same access rules. A stream lives at most `maxStreamMs`: an
 * access token is checked when the stream opens, and the client's reconnection (EventSource-style
 * `retry`) checks it again.
 */
export function liveRoutes(api: Api, ctx: RouteContext): void {
  const { allow } = ctx.guards;
  const { live } = ctx;
  api.get('/worklist/changes', {
    schema: {
      tags: ['worklist'],
      description: 'Server-sent events (text/event-stream): `event: worklist` with `data: {"token": "..."}` whenever the worklist may have changed, and once when the stream opens.',
      produces: ['text/event-stream'],
      response: { 200: z.string().describe('an event stream'), ...errors(...COMMON) },
    },
  }, async (req, reply) => {
    allow(req, 'worklist.read');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', // Not kept alive once ended (at shutdown, or when its time is up): a socket left idle would hold a closing server until its keep-alive timeout.
      connection: 'close' });
    res.write('retry: 2000\n\n');
    live.streams.add(res);
    const unsubscribe = live.worklist.subscribe((token) => {
      res.write(`event: worklist\ndata: ${JSON.stringify({ token: createHash('sha256').update(token).digest('base64url').slice(0, 22) })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': still here\n\n'), live.options.heartbeatMs).unref();
    const lifetime = setTimeout(() => res.end(), live.options.maxStreamMs).unref();
    const done = (): void => {
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      live.streams.delete(res);
    };
    res.once('close', done);
  });
}
