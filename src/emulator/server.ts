// The emulator's HTTP server: routes, authentication, pagination and errors of the Docker Cloud API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  actionPath,
  isUuid,
  NAMESPACE_RE,
  servicePath,
  stackPath,
  triggerCallPath,
  triggerPath,
  triggersPath,
  servicesPath,
} from '../api/paths.js';
import { ACTION_URI_HEADER, isOperation, type Action, type ListPage, type Service, type Trigger } from '../api/types.js';
import { basic } from '../credentials.js';
import { actionState, defaultTriggerName, serviceState, type Store, type StoredAction, type StoredService, type StoredTrigger } from './store.js';

export interface EmulatorOptions {
  user: string;
  apikey: string;
  pageSize: number;
  /** Largest request body accepted, in bytes. */
  maxBody?: number;
  /** Time a client has to send a whole request, in milliseconds. */
  clientTimeoutMs?: number;
}

export const DEFAULT_USER = 'demo';
export const DEFAULT_APIKEY = 'demo-apikey';
const MAX_LIMIT = 1000;

/** The filters of a list endpoint, by query parameter; each makes a test from the parameter's value. */
type Filters<T> = Record<string, (value: string) => (item: T) => boolean>;

const IDENTITY_FILTERS: Filters<{ uuid: string; name: string }> = {
  uuid: (v) => {
    const uuid = v.toLowerCase();
    return (x) => x.uuid === uuid;
  },
  uuid__startswith: (v) => {
    const prefix = v.toLowerCase();
    return (x) => x.uuid.startsWith(prefix);
  },
  name: (v) => (x) => x.name === v,
};

/** The items that pass the test of every filter given in `q`; the list itself when none is. */
function filterBy<T>(items: T[], q: URLSearchParams, filters: Filters<T>): T[] {
  const tests = Object.entries(filters)
    .filter(([name]) => q.has(name))
    .map(([name, make]) => make(q.get(name)!));
  return tests.length === 0 ? items : items.filter((item) => tests.every((test) => test(item)));
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Route {
  namespace?: string;
  /** Segments after the optional namespace, e.g. ['service', uuid, 'trigger']. */
  segments: string[];
  api: 'app' | 'audit';
}

function parseRoute(pathname: string): Route | undefined {
  const m = /^\/api\/(app|audit)\/v1\/(.*)$/.exec(pathname);
  if (!m || !pathname.endsWith('/')) return undefined;
  const api = m[1] as 'app' | 'audit';
  const segments = m[2]!.split('/').slice(0, -1);
  if (segments.some((s) => s === '')) return undefined;
  const resource = api === 'app' ? 'service' : 'action';
  if (segments[0] === resource && (segments.length === 1 || isUuid(segments[1]!) || segments[1] !== resource)) {
    return { segments, api };
  }
  const [namespace, ...rest] = segments;
  if (!namespace || !NAMESPACE_RE.test(namespace) || rest[0] !== resource) return undefined;
  return { namespace, segments: rest, api };
}

export function createEmulator(store: Store, options: EmulatorOptions): Server {
  const maxBody = options.maxBody ?? 1024 * 1024;
  const expected = Buffer.from(basic(options.user, options.apikey));

  function authorize(req: IncomingMessage): void {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, req.headers.authorization ? 'Invalid credentials' : 'Authentication credentials were not provided', {
        'www-authenticate': 'Basic realm="Docker Cloud emulator"',
      });
    }
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const tooLarge = (): HttpError => new HttpError(413, `Request body larger than ${maxBody} bytes`, { connection: 'close' });
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBody) {
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          reject(tooLarge());
          req.removeAllListeners('data');
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const text = await readBody(req);
    if (text.trim() === '') return {};
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'Content-Type must be application/json');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HttpError(415, 'Request body is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'Request body must be a JSON object');
    return parsed as Record<string, unknown>;
  }

  const serviceJson = (s: StoredService, ns?: string): Service => ({
    uuid: s.uuid,
    resource_uri: servicePath(s.uuid, ns),
    name: s.name,
    image_name: s.image_name,
    state: serviceState(store, s),
    stack: s.stack ? stackPath(s.stack.uuid, ns) : null,
    target_num_containers: s.target_num_containers,
    current_num_containers: s.current_num_containers,
    running_num_containers: s.running_num_containers,
    last_trigger_body: s.last_trigger_body,
  });

  const triggerJson = (s: StoredService, t: StoredTrigger, ns?: string): Trigger => ({
    uuid: t.uuid,
    name: t.name,
    operation: t.operation,
    url: triggerCallPath(s.uuid, t.uuid, ns),
    resource_uri: triggerPath(s.uuid, t.uuid, ns),
  });

  function page<T>(items: T[], url: URL, basePath: string): ListPage<T> {
    const int = (name: string, fallback: number): number => {
      const raw = url.searchParams.get(name);
      if (raw === null || raw === '') return fallback;
      if (!/^[0-9]+$/.test(raw)) throw new HttpError(400, `${name} must be a non-negative integer`);
      return Number(raw);
    };
    const limit = Math.min(int('limit', options.pageSize), MAX_LIMIT) || options.pageSize;
    const offset = int('offset', 0);
    const link = (o: number): string => {
      const q = new URLSearchParams(url.searchParams);
      q.set('limit', String(limit));
      q.set('offset', String(o));
      return `${basePath}?${q}`;
    };
    return {
      meta: {
        limit,
        offset,
        next: offset + limit < items.length ? link(offset + limit) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        total_count: items.length,
      },
      objects: items.slice(offset, offset + limit),
    };
  }

  function findService(uuid: string): StoredService {
    const s = isUuid(uuid) ? store.service(uuid) : undefined;
    if (!s) throw new HttpError(404, 'Not found');
    return s;
  }

  function findTrigger(s: StoredService, uuid: string): StoredTrigger {
    const wanted = uuid.toLowerCase();
    const t = isUuid(uuid) ? s.triggers.find((x) => x.uuid === wanted) : undefined;
    if (!t) throw new HttpError(404, 'Not found');
    return t;
  }

  function allow(method: string, allowed: string[]): void {
    if (!allowed.includes(method)) {
      throw new HttpError(405, `Method "${method}" not allowed`, { allow: allowed.join(', ') });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://emulator');
    } catch {
      throw new HttpError(400, 'Malformed request target');
    }
    const route = parseRoute(url.pathname);
    if (!route) throw new HttpError(404, 'Not found');
    const { namespace: ns, segments } = route;
    const accept = req.headers.accept;
    if (accept && !/application\/json|application\/\*|\*\/\*/i.test(accept)) {
      throw new HttpError(415, 'Only application/json responses are available');
    }

    // The one endpoint without credentials: POST .../trigger/(uuid)/call/[n/]
    if (route.api === 'app' && segments.length >= 5 && segments[2] === 'trigger' && segments[4] === 'call') {
      if (segments.length > 6) throw new HttpError(404, 'Not found');
      allow(method, ['POST']);
      const s = findService(segments[1]!);
      const t = findTrigger(s, segments[3]!);
      let count = 1;
      if (segments.length === 6) {
        if (!/^[1-9][0-9]{0,5}$/.test(segments[5]!)) throw new HttpError(404, 'Not found');
        if (t.operation !== 'SCALEUP') throw new HttpError(400, 'Only SCALEUP triggers take a number of containers');
        count = Number(segments[5]);
      }
      const body = await readBody(req);
      const action = store.callTrigger(s, t, count, body === '' ? null : body);
      const uri = actionPath(action.uuid, ns);
      return send(res, 202, actionJson(action, ns), { [ACTION_URI_HEADER]: uri });
    }

    authorize(req);

    if (route.api === 'audit') {
      if (segments.length !== 2) throw new HttpError(404, 'Not found');
      allow(method, ['GET']);
      const action = isUuid(segments[1]!) ? store.action(segments[1]!) : undefined;
      if (!action) throw new HttpError(404, 'Not found');
      return send(res, 200, actionJson(action, ns));
    }

    // segments: ['service'], ['service', uuid], ['service', uuid, 'trigger'], ['service', uuid, 'trigger', uuid]
    if (segments.length === 1) {
      allow(method, ['GET']);
      const matching = filterBy(store.state.services, url.searchParams, {
        ...IDENTITY_FILTERS,
        state: (v) => (s) => serviceState(store, s) === v,
        stack__name: (v) => (s) => s.stack?.name === v,
        stack: (v) => (s) => !!s.stack && stackPath(s.stack.uuid, ns) === v,
      });
      const result = page(matching, url, servicesPath(ns));
      return send(res, 200, { meta: result.meta, objects: result.objects.map((s) => serviceJson(s, ns)) });
    }
    if (segments.length === 2) {
      allow(method, ['GET']);
      return send(res, 200, serviceJson(findService(segments[1]!), ns));
    }
    if (segments[2] !== 'trigger' || segments.length > 4) throw new HttpError(404, 'Not found');
    const s = findService(segments[1]!);
    if (segments.length === 3) {
      allow(method, ['GET', 'POST']);
      if (method === 'GET') {
        const matching = filterBy(s.triggers, url.searchParams, IDENTITY_FILTERS);
        const result = page(matching, url, triggersPath(s.uuid, ns));
        return send(res, 200, { meta: result.meta, objects: result.objects.map((t) => triggerJson(s, t, ns)) });
      }
      const body = await readJsonBody(req);
      const operation = body.operation === undefined || body.operation === null ? 'REDEPLOY' : body.operation;
      if (typeof operation !== 'string' || !isOperation(operation)) {
        throw new HttpError(400, `Invalid operation ${JSON.stringify(operation)}: expected REDEPLOY or SCALEUP`);
      }
      const name = body.name === undefined || body.name === null ? defaultTriggerName(operation) : body.name;
      if (typeof name !== 'string' || name.trim() === '' || name.length > 256) {
        throw new HttpError(400, 'name must be a non-empty string of at most 256 characters');
      }
      const t = store.addTrigger(s, name, operation);
      return send(res, 201, triggerJson(s, t, ns));
    }
    allow(method, ['GET', 'DELETE']);
    const t = findTrigger(s, segments[3]!);
    if (method === 'GET') return send(res, 200, triggerJson(s, t, ns));
    store.removeTrigger(s, t);
    res.writeHead(204).end();
  }

  function actionJson(a: StoredAction, ns?: string): Action {
    const state = actionState(a);
    return {
      uuid: a.uuid,
      resource_uri: actionPath(a.uuid, ns),
      action: a.action,
      method: 'POST',
      object: servicePath(a.service_uuid, ns),
      state,
      start_date: new Date(a.start_ms).toUTCString(),
      end_date: state === 'In progress' ? null : new Date(a.end_ms).toUTCString(),
    };
  }

  const clientTimeout = options.clientTimeoutMs ?? 30_000;
  // Slow or stalled clients are cut off instead of holding a connection forever.
  const server = createServer({
    requestTimeout: clientTimeout,
    headersTimeout: Math.min(clientTimeout, 10_000),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, clientTimeout / 4)),
  }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A client that went away (or was cut off as too slow) has nobody left to answer.
      if (res.headersSent || res.destroyed || req.socket.destroyed) return res.destroy();
      if (err instanceof HttpError) return send(res, err.status, { error: err.message }, err.headers);
      process.stderr.write(`emulator: ${(err as Error).stack ?? String(err)}\n`);
      send(res, 500, { error: 'Internal server error' });
    });
  });
  return server;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
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
