// A hostile API for the CLI's tests: a node:http (or https) server on 127.0.0.1:0 whose answer to each
// path is chosen by the test (HTML error pages, broken JSON, truncated or endless bodies, resets,
// silence, redirects, escape sequences). It records every request and every TCP connection; a request
// no route matches gets a 500 and is recorded as unexpected. `forward(url)` turns it into a small
// reverse proxy in front of another loopback server (the emulator), so single requests can be made to fail.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  /** The request target as sent: origin-form, absolute-form through a proxy, or host:port of a CONNECT. */
  url: string;
  /** Its path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
}

/** Answers one request; it may answer late, never, or break the connection. */
export type Answer = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HostileServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  requests: SeenRequest[];
  unexpected: SeenRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /**
   * Answers requests whose path (query left out) equals `path` or matches the RegExp, for `method`
   * ('*' for any). Routes are tried in the order they were added.
   */
  route(method: string, path: string | RegExp, answer: Answer): void;
  /** Answer for requests no route matches (default: 500, recorded as unexpected). */
  fallback(answer: Answer | undefined): void;
  close(): Promise<void>;
}

export interface HostileOptions {
  /** Serve https with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * What a CONNECT (the client using this server as its proxy) gets: 'tunnel' (default) accepts it and
   * serves the tunnel itself; 'drop' records it and closes the connection without an answer.
   */
  connect?: 'tunnel' | 'drop';
}

export async function startHostileServer(opts: HostileOptions = {}): Promise<HostileServer> {
  const routes: { method: string; path: string | RegExp; answer: Answer }[] = [];
  let fallbackAnswer: Answer | undefined;
  const requests: SeenRequest[] = [];
  const unexpected: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://hostile.invalid').pathname;
    const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', path, headers: req.headers };
    requests.push(seen);
    const route = routes.find(
      (r) => (r.method === '*' || r.method === seen.method) && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    const answer = route?.answer ?? fallbackAnswer;
    if (!answer) {
      unexpected.push(seen);
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `unexpected ${seen.method} ${seen.url}` }));
      return;
    }
    Promise.resolve(answer(req, res)).catch(() => res.destroy());
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createServer(handler);
  // A request that asks for 100 Continue reaches its route before the go-ahead: an answer that wants the
  // body calls res.writeContinue(); one that refuses the request from its headers answers at once.
  server.on('checkContinue', handler);
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // As an HTTP proxy: a CONNECT is recorded and accepted, and the tunnel is served by this same server,
  // so a client can be pointed at any host name without that name ever being resolved.
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    requests.push({ method: 'CONNECT', url: req.url ?? '', path: '', headers: req.headers });
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
    route: (method, path, answer) => {
      routes.push({ method, path, answer });
    },
    fallback: (answer) => {
      fallbackAnswer = answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- answers ---

/** A JSON answer with a correct Content-Length. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return raw(status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

/** Exactly these bytes, with a correct Content-Length. */
export function raw(status: number, headers: Record<string, string>, body: string | Buffer): Answer {
  return (req, res) => {
    req.resume();
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...headers, 'content-length': bytes.length });
    res.end(bytes);
  };
}

/** An HTML page, like a proxy's error page or a captive portal. */
export function html(status: number, text = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>'): Answer {
  return raw(status, { 'content-type': 'text/html; charset=utf-8' }, text);
}

/** Headers that promise `declared` bytes, `sent` of them, then the end of the connection. */
export function truncated(sent: string, declared = 4096): Answer {
  return (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': declared });
    res.write(sent, () => res.socket?.end());
  };
}

/** Headers and part of the body, then a TCP reset. */
export function resetMidBody(sent = '{"meta": {"limit": 25, "offset": 0, "next": null}, "objects": [{"uu'): Answer {
  return (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100_000 });
    res.write(sent, () => res.socket?.resetAndDestroy());
  };
}

/** Accepts the request and never answers. */
export function silence(): Answer {
  return (req) => {
    req.resume();
  };
}

/** A redirect, empty body. */
export function redirect(status: number, location: string): Answer {
  return (req, res) => {
    req.resume();
    res.writeHead(status, { location, 'content-length': 0 }).end();
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
  const answer: Answer = (req, res) => {
    req.resume();
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

/** Forwards the request to `target` (a base URL on loopback) and relays its answer. */
export function forward(target: string): Answer {
  const base = new URL(target);
  return (req, res) => {
    if (req.headers.expect) res.writeContinue();
    const url = new URL(req.url ?? '/', base);
    const upstream = httpRequest(
      { host: base.hostname, port: base.port, path: url.pathname + url.search, method: req.method, headers: { ...req.headers, host: base.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"forward failed"}');
      else res.destroy();
    });
    req.pipe(upstream);
  };
}
