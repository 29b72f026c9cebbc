// Scripted HTTP servers for network tests: a server whose answer to each request is chosen by the
// test (a queue of handlers, or a function of the request and its number), which records every
// request and answers 500 to any request nobody scripted; and a tiny forwarding proxy
// (absolute-form requests and CONNECT tunnels) that records what went through it and reaches every
// host name at 127.0.0.1, so that a test can name a host that is not loopback and stay on the machine.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Number of the TCP connection the request came on (1-based, in order of acceptance). */
  connection: number;
  /** performance.now() when the request's headers arrived. */
  at: number;
}

export interface HandlerInfo {
  /** 1-based number of this request on the server. */
  count: number;
  body: string;
  socket: Socket;
}

/** Answers one request. It may answer late, never, or destroy the socket. */
export type Handler = (req: IncomingMessage, res: ServerResponse, info: HandlerInfo) => void | Promise<void>;

export interface FaultServer {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** Every request received, in order (scripted or not). */
  requests: RecordedRequest[];
  /** Requests that arrived when no handler was scripted (answered 500). */
  unexpected: RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Appends handlers used once each, in order, before the fallback. */
  enqueue(...handlers: Handler[]): void;
  /** Handler for every request once the queue is empty (undefined: such requests are unexpected). */
  fallback(handler: Handler | undefined): void;
  /** Resolves with the n-th request (1-based) once it has arrived in full. */
  waitForRequest(n: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const queue: Handler[] = [];
  let fallbackHandler: Handler | undefined;
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const waiters: { n: number; resolve: (r: RecordedRequest) => void }[] = [];
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;

  const server: Server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        connection: connectionIds.get(req.socket) ?? 0,
        at,
      };
      requests.push(record);
      const count = requests.length;
      for (const w of waiters.filter((w) => w.n === count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(record);
      }
      const handler = queue.shift() ?? fallbackHandler;
      if (!handler) {
        unexpected.push(record);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `fault server: unexpected request ${record.method} ${record.url}` }));
        return;
      }
      Promise.resolve(handler(req, res, { count, body, socket: req.socket })).catch((err: unknown) => {
        unexpected.push(record);
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    unexpected,
    get connections() {
      return connections;
    },
    enqueue: (...handlers) => queue.push(...handlers),
    fallback: (handler) => {
      fallbackHandler = handler;
    },
    waitForRequest: (n) =>
      requests[n - 1] ? Promise.resolve(requests[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- handlers ---

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
}

/** A status with an empty body (or a small JSON error for 4xx/5xx). */
export function status(code: number, headers: Record<string, string> = {}): Handler {
  if (code >= 400) return json(code, { error: `scripted ${code}` }, headers);
  return (_req, res) => {
    res.writeHead(code, headers).end();
  };
}

/** A redirect to `location`. */
export function redirect(code: number, location: string): Handler {
  return (_req, res) => {
    res.writeHead(code, { location, 'content-length': 0 }).end();
  };
}

/** Never answers (the socket stays open until the client gives up or the server closes). */
export function hang(): Handler {
  return () => {};
}

/** Sends the headers and part of the body, then never finishes it. */
export function slowBody(): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    res.write('{"meta":');
  };
}

/** Drops the connection without an answer (ECONNRESET / "other side closed" on the client). */
export function reset(): Handler {
  return (_req, _res, { socket }) => {
    socket.destroy();
  };
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
