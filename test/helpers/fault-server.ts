// The scripted API of the tests: a node:http (or https) server on 127.0.0.1:0 whose answer to each
// request is chosen by the test — a queue of answers used once each, routes by method and path, then a
// fallback — and which records every request (headers, body, time, connection) and every TCP
// connection. A request nothing answers gets a 500 and joins `unexpected`, and close() fails the test
// that had one, as gh's httpmock does: a test server never quietly accepts what nobody scripted.
// The answers cover what a hostile or broken server does: HTML pages, broken or truncated JSON, endless
// or slow bodies, resets, silence, redirects; `forward(url)` puts the server in front of another one
// (the emulator) so that single requests can be made to fail. `startProxy()` is a forwarding HTTP
// proxy that reaches every host name at 127.0.0.1, so a test can name a host that is not loopback and
// stay on the machine.
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The request target as sent: origin-form, absolute-form through a proxy, or host:port of a CONNECT. */
  url: string;
  /** Its path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as received so far: whole once the request has arrived in full (see waitForRequest). */
  body: string;
  /** Number of the TCP connection the request came on (1-based, in order of acceptance). */
  connection: number;
  /** performance.now() when its headers arrived. */
  at: number;
}

/**
 * Answers one request; it may answer late, never, or break the connection. It is called once the
 * request has arrived in full (after a 100 Continue, when one was asked for), its body in `seen`,
 * unless it was made with onHeaders().
 */
export type Answer = (req: IncomingMessage, res: ServerResponse, seen: RecordedRequest) => void | Promise<void>;

export interface FaultServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every request received, in order of arrival, answered or not; CONNECTs included. */
  requests: RecordedRequest[];
  /** Requests that nothing answered (they got a 500), or whose answer threw. */
  unexpected: RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Appends answers used once each, in order, before any route. */
  enqueue(...answers: Answer[]): void;
  /**
   * Answers requests whose path (query left out) equals `path` or matches the RegExp, for `method`
   * ('*' for any), once the queue is empty. Routes are tried in the order they were added.
   */
  route(method: string, path: string | RegExp, answer: Answer): void;
  /** Answer for requests that neither the queue nor a route takes (undefined: they are unexpected). */
  fallback(answer: Answer | undefined): void;
  /** Resolves with the n-th request (1-based) once it has arrived in full, body included. */
  waitForRequest(n: number): Promise<RecordedRequest>;
  /** Closes every connection and the server; rejects when a request was unexpected. */
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /** Serve https with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * What a CONNECT (the client using this server as its proxy) gets: 'tunnel' (default) accepts it and
   * serves the tunnel itself; 'drop' records it and closes the connection without an answer.
   */
  connect?: 'tunnel' | 'drop';
}

/** Marks an answer made with onHeaders(). */
const ON_HEADERS = Symbol('called on the headers');
const onHeadersOnly = (answer: Answer): boolean => (answer as { [ON_HEADERS]?: true })[ON_HEADERS] === true;

export async function startFaultServer(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const queue: Answer[] = [];
  const routes: { method: string; path: string | RegExp; answer: Answer }[] = [];
  let fallbackAnswer: Answer | undefined;
  const requests: RecordedRequest[] = [];
  /** For each request: settles true once its body has arrived in full, false if it was cut off. */
  const whole: Promise<boolean>[] = [];
  const unexpected: RecordedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;

  const record = (req: IncomingMessage, path: string, complete: Promise<boolean>): RecordedRequest => {
    const seen: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      path,
      headers: req.headers,
      body: '',
      connection: connectionIds.get(req.socket) ?? 0,
      at: performance.now(),
    };
    requests.push(seen);
    whole.push(complete);
    for (const w of waiters.filter((w) => w.n <= requests.length)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    return seen;
  };

  const pick = (seen: RecordedRequest): Answer | undefined =>
    queue.shift() ??
    routes.find(
      (r) => (r.method === '*' || r.method === seen.method) && (typeof r.path === 'string' ? r.path === seen.path : r.path.test(seen.path)),
    )?.answer ??
    fallbackAnswer;

  const handle = (req: IncomingMessage, res: ServerResponse, continueAsked: boolean): void => {
    const complete = new Promise<boolean>((resolve) => {
      req.once('end', () => resolve(true));
      req.once('close', () => resolve(false));
    });
    const seen = record(req, new URL(req.url ?? '/', 'http://fault.invalid').pathname, complete);
    const answer = pick(seen);
    const fail = (err: unknown): void => {
      unexpected.push(seen);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      else res.destroy();
    };
    const run = (a: Answer): void => {
      try {
        Promise.resolve(a(req, res, seen)).catch(fail);
      } catch (err) {
        fail(err);
      }
    };
    // Called first, an answer made with onHeaders() reads the body itself without missing a byte;
    // the record reads it alongside.
    if (answer && onHeadersOnly(answer)) run(answer);
    else if (continueAsked) res.writeContinue();
    req.on('data', (chunk: Buffer) => (seen.body += chunk.toString('utf8')));
    if (answer && onHeadersOnly(answer)) return;
    void complete.then((arrived) => {
      if (!arrived) return;
      if (answer) return run(answer);
      unexpected.push(seen);
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `fault server: unexpected request ${seen.method} ${seen.url}` }));
    });
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => handle(req, res, false);
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : createServer(onRequest);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handle(req, res, true));
  server.on('connection', (socket: Socket) => {
    connections++;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // As an HTTP proxy: a CONNECT is recorded and accepted, and the tunnel is served by this same server,
  // so a client can be pointed at any host name without that name ever being resolved.
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    record(req, '', Promise.resolve(true));
    if (opts.connect === 'drop') {
      socket.destroy();
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    server.emit('connection', socket);
  });
  // A client that rejects the certificate ends the handshake; that is expected, not an error here.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    unexpected,
    get connections() {
      return connections;
    },
    enqueue: (...answers) => {
      queue.push(...answers);
    },
    route: (method, path, answer) => {
      routes.push({ method, path, answer });
    },
    fallback: (answer) => {
      fallbackAnswer = answer;
    },
    waitForRequest: async (n) => {
      if (requests.length < n) await new Promise<void>((resolve) => waiters.push({ n, resolve }));
      await whole[n - 1];
      return requests[n - 1];
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (unexpected.length > 0)
        throw new Error(`fault server: requests nobody expected: ${unexpected.map((q) => `${q.method} ${q.url}`).join(', ')}`);
    },
  };
}

/**
 * The answer is called as soon as the request's headers arrive: before its body, and before any
 * 100 Continue, which it says itself (res.writeContinue()) if it wants the body, as a server that can
 * refuse a request from its headers does.
 */
export function onHeaders(answer: Answer): Answer {
  return Object.assign((req: IncomingMessage, res: ServerResponse, seen: RecordedRequest) => answer(req, res, seen), {
    [ON_HEADERS]: true as const,
  });
}

// --- answers ---

/** Exactly these bytes, with a correct Content-Length. */
export function raw(status: number, headers: Record<string, string>, body: string | Buffer): Answer {
  return (_req, res) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...headers, 'content-length': bytes.length });
    res.end(bytes);
  };
}

/** A JSON answer with a correct Content-Length. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return raw(status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

/** A list page of `objects` as the API answers it: all of them on the one page, unless `meta` says otherwise. */
export function page(objects: unknown[], meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { meta: { limit: 25, offset: 0, next: null, previous: null, total_count: objects.length, ...meta }, objects };
}

/** A status with an empty body, or a small JSON error for 4xx and 5xx. */
export function status(code: number, headers: Record<string, string> = {}): Answer {
  if (code >= 400) return json(code, { error: `scripted ${code}` }, headers);
  return (_req, res) => {
    res.writeHead(code, headers).end();
  };
}

/** An HTML page, like a proxy's error page or a captive portal. */
export function html(
  status: number,
  text = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
): Answer {
  return raw(status, { 'content-type': 'text/html; charset=utf-8' }, text);
}

/** A redirect to `location`, empty body. */
export function redirect(status: number, location: string): Answer {
  return (_req, res) => {
    res.writeHead(status, { location, 'content-length': 0 }).end();
  };
}

/** Accepts the request and never answers (the socket stays open until the client gives up or the server closes). */
export function hang(): Answer {
  return () => {};
}

/** Headers and the start of a JSON body, then nothing more: the answer never ends. */
export function slowBody(): Answer {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    res.write('{"meta":');
  };
}

/** Headers that promise `declared` bytes, `sent` of them, then the end of the connection. */
export function truncated(sent: string, declared = 4096): Answer {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': declared });
    res.write(sent, () => res.socket?.end());
  };
}

/** Drops the connection without an answer (ECONNRESET / "other side closed" on the client). */
export function reset(): Answer {
  return (req) => {
    req.socket.destroy();
  };
}

/** Headers and part of the body, then a TCP reset. */
export function resetMidBody(sent = '{"meta": {"limit": 25, "offset": 0, "next": null}, "objects": [{"uu'): Answer {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100_000 });
    res.write(sent, () => res.socket?.resetAndDestroy());
  };
}

export interface EndlessStats {
  /** Bytes handed to the socket so far. */
  bytes: number;
  /** Why the stream ended: the client went away, or the server reached its own cap. */
  ended?: 'client-closed' | 'cap';
  /** Settles when the stream has ended. */
  done: Promise<void>;
}

/**
 * A JSON body streamed without a length (chunked), written as fast as the client reads it, until the
 * client goes away or `cap` bytes were written. `stats` tells how far it got.
 */
export function endless(cap: number): { answer: Answer; stats: EndlessStats } {
  let finish: () => void = () => {};
  const stats: EndlessStats = { bytes: 0, done: new Promise<void>((resolve) => (finish = resolve)) };
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const answer: Answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"meta": {"limit": 25, "offset": 0, "next": null}, "objects": [], "padding": "');
    let closed = false;
    res.on('close', () => {
      closed = true;
      if (!stats.ended) stats.ended = 'client-closed';
      finish();
    });
    const pump = (): void => {
      while (!closed) {
        if (stats.bytes >= cap) {
          stats.ended = 'cap';
          res.end('"}');
          finish();
          return;
        }
        stats.bytes += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
  return { answer, stats };
}

/**
 * Forwards the request to `target` (a base URL on loopback) as it comes, and relays the answer. Called
 * from an answer of its own once the request has arrived in full, it sends the recorded body.
 */
export function forward(target: string): Answer {
  const base = new URL(target);
  return onHeaders((req, res, seen) => {
    if (req.headers.expect && !req.readableEnded) res.writeContinue();
    const url = new URL(req.url ?? '/', base);
    const upstream = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        path: url.pathname + url.search,
        method: req.method,
        headers: { ...req.headers, host: base.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"forward failed"}');
      else res.destroy();
    });
    if (req.readableEnded) upstream.end(seen.body);
    else req.pipe(upstream);
  });
}

// --- proxy ---

export interface ProxyRecord {
  /** 'forward' for an absolute-form request, 'connect' for a CONNECT tunnel. */
  kind: 'forward' | 'connect';
  /** The absolute URL (forward) or host:port (connect). */
  target: string;
  method: string;
}

export interface TestProxy {
  url: string;
  records: ProxyRecord[];
  close(): Promise<void>;
}

/**
 * A forwarding HTTP proxy on loopback: absolute-form requests are relayed, CONNECT opens a tunnel, both
 * to the port asked for on 127.0.0.1, whatever the host name (which is recorded as asked).
 */
export async function startProxy(): Promise<TestProxy> {
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((req, res) => {
    const target = req.url ?? '';
    records.push({ kind: 'forward', target, method: req.method ?? '' });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      res.writeHead(400).end('proxy: not an absolute-form request');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('proxy: upstream failed');
      else res.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    records.push({ kind: 'connect', target, method: 'CONNECT' });
    const port = Number(target.slice(target.lastIndexOf(':') + 1));
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
