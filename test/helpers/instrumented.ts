// An instrumented loopback server, for tests of how a client spreads its requests (bounded
// concurrency over the run's keep-alive connections): it records the requests, counts TCP
// connections and the requests in flight, and holds requests so that those sent together overlap
// on the server.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Instrumented {
  /** Most requests the server held or was answering at one moment. */
  maxInFlight: () => number;
  /** TCP connections accepted since instrumenting. */
  connections: () => number;
  /** Every request received since instrumenting, in arrival order. */
  requests: { method: string; url: URL }[];
}

/**
 * Counts requests in flight (from the 'request' event to the end of the response) and TCP connections.
 * The emulator answers synchronously, so without help two requests would never overlap on the server
 * even when the client sends them together. Requests are therefore held until the client has nothing
 * more on its way: every request that node:http in this process has put on a connection to this
 * server ('http.client.request.start') has arrived. The batch is then answered, newest first, so that
 * answers complete out of request order. The client must run in this process. A client that sends one
 * request at a time shows a maximum of 1; one that sends more at once than it should shows them all.
 * With `hold: false` every request is answered at once, only recorded and counted.
 */
export function instrument(server: Server, { hold = true }: { hold?: boolean } = {}): Instrumented {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  let started = 0;
  let inFlight = 0;
  let max = 0;
  let connections = 0;
  const requests: Instrumented['requests'] = [];
  let held: (() => void)[] = [];
  let checking = false;

  const onStart = (message: unknown): void => {
    if ((message as { request: ClientRequest }).request.getHeader('host') === host) started++;
  };
  subscribe('http.client.request.start', onStart);
  server.once('close', () => unsubscribe('http.client.request.start', onStart));

  // Runs once the event loop has taken in what arrived with this request: the client's reactions to
  // it (its next requests, started on a connection) come first.
  const releaseWhenAllArrived = (): void => {
    if (checking) return;
    checking = true;
    setImmediate(() => {
      checking = false;
      if (held.length === 0 || requests.length < started) return;
      // last come, first served: answers complete out of request order, as they may on a real network
      const batch = held.reverse();
      held = [];
      for (const run of batch) run();
    });
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
    releaseWhenAllArrived();
  });
  return { maxInFlight: () => max, connections: () => connections, requests };
}
