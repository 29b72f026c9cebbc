// The emulator's HTTP server: request targets, namespaces, authentication and error answers; the
// endpoints themselves are in routes.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { basic } from '../credentials.js';
import { declaredLength, HttpError, notFound, send, tooLarge } from './http.js';
import type { View } from './objects.js';
import { MAX_LIMIT } from './paging.js';
import { isCall, methodsOf, parseRoute, routes, squeezeSlashes } from './routes.js';
import { SaveError, type Store } from './store.js';

export interface EmulatorOptions {
  user: string;
  apikey: string;
  /** Objects in a page whose query names no `limit`. */
  pageSize: number;
  /** The most objects a page holds, whatever its `limit` asks (default: MAX_LIMIT). */
  maxPageSize?: number;
  /** Largest request body accepted, in bytes. */
  maxBody?: number;
  /** Largest refused body read through (and thrown away) before it is answered 413; see BodyLimits. */
  maxDrain?: number;
  /** Time a client has to send a whole request, in milliseconds. */
  clientTimeoutMs?: number;
  /**
   * Namespaces served, besides none and the user's own; others are not found, as namespaces the user
   * cannot reach. Every namespace is served when this is not given.
   */
  namespaces?: string[];
  /** Where a change that could not be saved is reported, one line each (default: standard error). */
  log?: (line: string) => void;
}

export const DEFAULT_USER = 'demo';
export const DEFAULT_APIKEY = 'demo-apikey';

/** The request target with repeated slashes in its path made one, as the API took them. */
function requestUrl(target: string): URL {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const squeezed = path.startsWith('/') ? squeezeSlashes(path) : path;
  try {
    return new URL(squeezed + (q < 0 ? '' : target.slice(q)), 'http://emulator');
  } catch {
    throw new HttpError(400, 'Malformed request target');
  }
}

export function createEmulator(store: Store, options: EmulatorOptions): Server {
  const maxBody = options.maxBody ?? 1024 * 1024;
  const limits = { maxBody, maxDrain: options.maxDrain ?? 64 * 1024 * 1024 };
  const expected = Buffer.from(basic(options.user, options.apikey).slice('Basic '.length));
  const namespaces = options.namespaces && new Set([...options.namespaces, options.user]);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const max = options.maxPageSize ?? MAX_LIMIT;
  const endpoints = routes(store, { pages: { size: Math.min(options.pageSize, max), max }, limits });

  /** Basic credentials, read as Tastypie reads them: the scheme in any case, split from them by any whitespace. */
  function authorize(req: IncomingMessage): void {
    const [scheme, credentials, ...rest] = (req.headers.authorization ?? '').trim().split(/\s+/);
    const given = Buffer.from(credentials ?? '');
    const ok =
      scheme?.toLowerCase() === 'basic' && rest.length === 0 && given.length === expected.length && timingSafeEqual(given, expected);
    if (!ok) {
      throw new HttpError(401, req.headers.authorization ? 'Invalid credentials' : 'Authentication credentials were not provided', {
        'www-authenticate': 'Basic realm="Docker Cloud emulator"',
      });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url ?? '/');
    const route = parseRoute(url.pathname);
    const methods = route && methodsOf(route);
    if (!route || !methods) throw notFound();
    // Tastypie's method_check: OPTIONS and a method not allowed are answered before anything else.
    const allow = methods.join(',');
    if (req.method === 'OPTIONS') return void res.writeHead(200, { allow, 'content-length': 0 }).end();
    if (!methods.includes(req.method!)) throw new HttpError(405, `Method "${req.method}" not allowed`, { allow });
    const accept = req.headers.accept;
    if (accept && !/application\/json|application\/\*|\*\/\*/i.test(accept)) {
      throw new HttpError(415, 'Only application/json responses are available');
    }
    const view: View = { namespace: route.namespace, user: options.user, origin: `http://${req.headers.host ?? 'localhost'}` };
    const served = route.namespace === undefined || !namespaces || namespaces.has(route.namespace);
    if (isCall(route)) {
      if (!served) throw notFound();
      return endpoints.call(route, req, res, view);
    }
    authorize(req);
    if (!served) throw notFound();
    if (route.resource === 'service') return endpoints.service(route, req, res, url, view);
    if (route.resource === 'stack') return endpoints.stack(route, res, url, view);
    return endpoints.action(route, res, url, view);
  }

  const clientTimeout = options.clientTimeoutMs ?? 30_000;
  // Slow or stalled clients are cut off instead of holding a connection forever.
  const server = createServer({
    requestTimeout: clientTimeout,
    headersTimeout: Math.min(clientTimeout, 10_000),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(clientTimeout / 4))),
  });
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    // A client that went away (or was cut off as too slow) has nobody left to answer.
    if (res.headersSent || res.destroyed || req.socket.destroyed) return void res.destroy();
    if (err instanceof HttpError) return send(res, err.status, { error: err.message }, err.headers);
    if (err instanceof SaveError) {
      log(`dockercloud-emulator: ${err.message}; the change was undone`);
      return send(res, 500, { error: 'Internal server error: the change could not be saved, and was not made' });
    }
    log(`dockercloud-emulator: ${(err as Error).stack ?? String(err)}`);
    send(res, 500, { error: 'Internal server error' });
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => void handle(req, res).catch((err: unknown) => fail(req, res, err)));
  // A client that sends Expect: 100-continue waits to be invited before it sends the body: a body
  // declared too large is refused at once, without inviting it (RFC 9110, 10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredLength(req) > limits.maxBody) return fail(req, res, tooLarge(limits, true));
    res.writeContinue();
    server.emit('request', req, res);
  });
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve(`http://${h}:${addr.port}`);
    });
  });
}
