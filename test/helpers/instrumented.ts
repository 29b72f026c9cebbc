// An instrumented loopback server, for tests of how a client spreads its requests (bounded
// concurrency over the run's keep-alive connections): it records the requests, counts TCP
// connections and the requests in flight, and holds requests so that those sent together overlap
// on the server.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Instrumented {
  /** Most requests the server held or was answering at one moment. */
  maxInFlight: () => number;
  /** TCP connections accepted since instrumenting. */
  connections: () => number;
  /** Every request received since instrumenting, in arrival order. */
  requests: { method: string; url: URL }[];
}

/**
 * Counts requests in flight (from the 'request' event to the response's end) and TCP connections.
 * The emulator answers synchronously, so without help two requests would never overlap on the
 * server even when the client sends them together. Requests are therefore held: a batch is
 * released (newest first, so answers complete out of request order) by a short timer, or at once
 * when more than `limit` + 1 are waiting, which only a client over its bound of `limit` requests
 * at once can cause. A client that sends one request at a time thus fails the assertions (max 1)
 * instead of hanging. With `hold: false` every request is answered at once, only recorded and counted.
 */
export function instrument(server: Server, { limit, hold = true }: { limit: number; hold?: boolean }): Instrumented {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  let inFlight = 0;
  let max = 0;
  let connections = 0;
  const requests: Instrumented['requests'] = [];
  let held: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const release = (): void => {
    clearTimeout(timer);
    timer = undefined;
    // last come, first served: answers complete out of request order, as they may on a real network
    const batch = held.reverse();
    held = [];
    for (const run of batch) run();
  };
  server.on('connection', () => connections++);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: new URL(req.url ?? '/', 'http://emulator') });
    inFlight++;
    max = Math.max(max, inFlight);
    let done = false;
    const end = (): void => {
      if (!done) inFlight--;
      done = true;
    };
    res.on('finish', end);
    res.on('close', end);
    const run = (): void => {
      for (const h of handlers) h.call(server, req, res);
    };
    if (!hold) return run();
    held.push(run);
    if (held.length > limit + 1) release();
    else timer ??= setTimeout(release, 10);
  });
  return { maxInFlight: () => max, connections: () => connections, requests };
}
