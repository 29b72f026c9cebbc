// Every request to the API goes through ApiClient.request, which owns URLs, headers, timeouts,
// retries, redirects, paging, and turning answers into typed errors; ./http.js carries them.
import { withoutControlChars } from '../io.js';
import { isLoopback } from '../settings.js';
import { createTransport, TimeoutError, TooLargeError, type Transport } from './http.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, AuthError, CliError, NetworkError, NotFoundError, UsageError } from '../errors.js';
import { CONCURRENCY, Limiter, mapLimit } from '../concurrency.js';
import { maskUrl } from './mask.js';
import { isUuid, servicePath, servicesPath, triggerPath, triggersPath } from './paths.js';
import { ACTION_URI_HEADER, type Action, type ListPage, type Service, type Trigger } from './types.js';

interface ClientOptions {
  /** REST host, e.g. https://cloud.docker.com/ */
  host: string;
  namespace?: string;
  /** Returns the Authorization header value; throws AuthError when there are no credentials. */
  authorization: () => string;
  userAgent: string;
  timeoutMs: number;
  /** Tries in all for a retryable request (1 = no retries). */
  tries: number;
  /** Allow Basic credentials over plain http to a host that is not loopback. */
  insecure?: boolean;
  debug?: (line: string) => void;
  /** Environment the proxy settings are read from. */
  env?: NodeJS.ProcessEnv;
  /** First backoff delay in ms; doubles each try, with jitter. */
  backoffMs?: number;
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_RETRY_AFTER_MS = 30_000;
const MAX_REDIRECTS = 5;
const MAX_PAGES = 100_000;

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Raw body sent as is (trigger calls). */
  rawBody?: string | Buffer;
  /** Send credentials (everything but a trigger call). */
  auth?: boolean;
  /** Follow redirects (GET only). */
  followRedirects?: boolean;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  url: string;
}

interface CallResult {
  status: number;
  actionUri: string | null;
  body: unknown;
}

// Errors the socket (or undici, through a proxy) raises before a request could have reached the server.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_CODES = new Set([...NOT_SENT_CODES, 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
// Statuses worth another try: all four for GET and DELETE; for POST only the two that say the
// request was not acted on.
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const NOT_PROCESSED_STATUSES = new Set([429, 503]);

function errorCode(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (e.code) return e.code;
  }
  return undefined;
}

export class ApiClient {
  private readonly transport: Transport;
  private readonly base: URL;
  // One bound for every request of the run, however commands nest their concurrent work.
  private readonly inFlight = new Limiter(CONCURRENCY);

  constructor(private readonly opts: ClientOptions) {
    this.base = new URL(opts.host);
    this.transport = createTransport(opts.env ?? process.env);
  }

  get host(): string {
    return this.base.href;
  }

  /** Absolute URL of an API path. */
  url(path: string, query: Query = {}): URL {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    // A path without a query of its own takes the parameters as text: one URL parse per page of a
    // long list, rather than one per parameter.
    if (!/[?#]/.test(path)) return new URL(params.size > 0 ? `${path}?${params}` : path, this.base);
    const url = new URL(path, this.base);
    for (const [k, v] of params) url.searchParams.set(k, v);
    return url;
  }


  /** Ends the run's connections; whatever is still queued (a request that timed out) is dropped. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  // --- endpoints ---

  listServices(query: Query): Promise<ListPage<Service>> {
    return this.getPage<Service>(servicesPath(this.opts.namespace), query);
  }

  getService(uuid: string): Promise<Service> {
    return this.getObject<Service>(servicePath(uuid, this.opts.namespace));
  }

  listTriggers(serviceUuid: string, query: Query = {}): Promise<ListPage<Trigger>> {
    return this.getPage<Trigger>(triggersPath(serviceUuid, this.opts.namespace), query);
  }

  allTriggers<R = Trigger>(serviceUuid: string, keep?: (t: Trigger) => R): Promise<R[]> {
    return this.listAll(triggersPath(serviceUuid, this.opts.namespace), {}, keep);
  }

  allServices(query: Query = {}): Promise<Service[]> {
    return this.listAll<Service>(servicesPath(this.opts.namespace), query);
  }

  getTrigger(serviceUuid: string, triggerUuid: string): Promise<Trigger> {
    return this.getObject<Trigger>(triggerPath(serviceUuid, triggerUuid, this.opts.namespace));
  }

  async createTrigger(serviceUuid: string, body: { name?: string; operation: string }): Promise<Trigger> {
    const res = await this.send('POST', triggersPath(serviceUuid, this.opts.namespace), { body });
    return this.checkObject<Trigger>(res);
  }

  async deleteTrigger(serviceUuid: string, triggerUuid: string): Promise<void> {
    await this.send('DELETE', triggerPath(serviceUuid, triggerUuid, this.opts.namespace));
  }

  getAction(uri: string): Promise<Action> {
    return this.getObject<Action>(uri);
  }

  /** POSTs to a trigger's call URL: no credentials, no redirects. */
  async call(url: URL, body?: string | Buffer): Promise<CallResult> {
    const res = await this.send('POST', url.href, { auth: false, rawBody: body });
    const header = res.headers[ACTION_URI_HEADER];
    return {
      status: res.status,
      // A repeated header comes joined with ', ' (which a URI cannot hold): the first one counts.
      actionUri: (Array.isArray(header) ? header[0] : header?.split(', ')[0]) ?? null,
      body: res.text === '' ? null : this.parseJson(res, true),
    };
  }

  // --- paging ---

  async getPage<T>(path: string, query: Query = {}): Promise<ListPage<T>> {
    const res = await this.send('GET', path, { query });
    return this.checkPage<T>(res);
  }

  /**
   * Every object of a list. After the first page, the remaining pages are fetched concurrently
   * from total_count, limit and offset, in order; without total_count, `next` is followed. `keep`
   * makes what is held of each object as its page arrives, so that a long list is not held whole.
   */
  async listAll<T, R = T>(path: string, query: Query = {}, keep: (o: T) => R = (o) => o as unknown as R): Promise<R[]> {
    const first = await this.getPage<T>(path, query);
    const objects = first.objects.map(keep);
    const { limit, total_count: total } = first.meta;
    if (first.meta.next === null) return objects;
    if (Number.isInteger(total) && Number.isInteger(limit) && limit > 0 && first.objects.length === limit) {
      if (total < 0 || (total - first.meta.offset) / limit > MAX_PAGES) {
        throw new ApiError(`the API claims ${total} objects at ${maskUrl(this.url(path).href)}, more than ${MAX_PAGES} pages; stopped`);
      }
      const offsets: number[] = [];
      for (let o = first.meta.offset + limit; o < total; o += limit) offsets.push(o);
      const pages = await mapLimit(offsets, CONCURRENCY, async (offset) => (await this.getPage<T>(path, { ...query, limit, offset })).objects.map(keep));
      return objects.concat(...pages);
    }
    const seen = new Set<string>();
    let next: string | null = first.meta.next;
    while (next !== null) {
      const url = this.url(next).href;
      if (seen.has(url) || seen.size >= MAX_PAGES) {
        throw new ApiError(`the API's pages do not end: ${maskUrl(url)} was reached twice; stopped after ${seen.size + 1} pages`);
      }
      seen.add(url);
      const page: ListPage<T> = this.checkPage<T>(await this.send('GET', url));
      for (const o of page.objects) objects.push(keep(o));
      next = page.meta.next;
    }
    return objects;
  }

  private async getObject<T>(path: string): Promise<T> {
    return this.checkObject<T>(await this.send('GET', path));
  }

  private checkObject<T>(res: RawResponse): T {
    const value = this.parseJson(res) as { uuid?: unknown } | null;
    if (!value || typeof value !== 'object' || Array.isArray(value) || typeof value.uuid !== 'string' || !isUuid(value.uuid)) {
      throw this.malformed(res, 'expected an object with a uuid');
    }
    return value as T;
  }

  private checkPage<T>(res: RawResponse): ListPage<T> {
    const value = this.parseJson(res) as Partial<ListPage<T>> | null;
    if (!value || typeof value !== 'object') throw this.malformed(res, 'expected a list');
    if (!value.meta || typeof value.meta !== 'object') throw this.malformed(res, '"meta" is missing');
    if (!Array.isArray(value.objects)) throw this.malformed(res, '"objects" is not an array');
    const uuids = value.objects.map((o) => (o && typeof o === 'object' ? (o as { uuid?: unknown }).uuid : undefined));
    if (uuids.some((u) => typeof u !== 'string')) throw this.malformed(res, 'an object has no uuid');
    if (uuids.some((u) => !isUuid(u as string))) throw this.malformed(res, "an object's uuid is not a UUID");
    const next = value.meta.next;
    if (next !== null && next !== undefined && typeof next !== 'string') throw this.malformed(res, '"meta.next" is not a path');
    return { meta: { ...value.meta, next: next ?? null }, objects: value.objects } as ListPage<T>;
  }

  private parseJson(res: RawResponse, lenient = false): unknown {
    if (res.text.trim() === '') {
      if (lenient) return null;
      throw this.malformed(res, 'the body is empty');
    }
    try {
      return JSON.parse(res.text);
    } catch {
      if (lenient) return res.text;
      const type = String(res.headers['content-type'] ?? 'no content type').split(';')[0];
      throw this.malformed(res, `the body is not JSON (${type})`);
    }
  }

  private malformed(res: RawResponse, why: string): ApiError {
    return new ApiError(`unexpected answer from ${maskUrl(res.url)} (HTTP ${res.status}): ${why}`, res.status);
  }

  // --- the wire ---

  /** Sends one request with retries and redirects; returns a 2xx answer or throws a typed error. */
  async send(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<RawResponse> {
    const auth = options.auth ?? true;
    let url = this.url(pathOrUrl, options.query);
    if (auth && url.origin !== this.base.origin) {
      throw new ApiError(`refusing to send credentials to ${url.origin}, which is not the REST host ${this.base.origin}`);
    }
    let authorization = auth ? this.credentialsFor(url) : undefined;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: 'application/json',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const follow = options.followRedirects ?? method === 'GET';

    for (let redirects = 0; ; redirects++) {
      const res = await this.sendWithRetries(method, url, { ...headers, ...(authorization ? { authorization } : {}) }, body);
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const location = res.headers.location;
        if (!follow || typeof location !== 'string' || redirects >= MAX_REDIRECTS) {
          throw new ApiError(`${method} ${maskUrl(url.href)} answered a redirect (HTTP ${res.status}), which is not followed`, res.status);
        }
        const target = new URL(location, url);
        // Credentials go only to the origin they were meant for.
        if (target.origin !== url.origin) authorization = undefined;
        url = target;
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      throw this.statusError(method, res);
    }
  }

  /** Fails now, before anything is sent, when a later authenticated request could not be made. */
  checkCredentials(): void {
    this.credentialsFor(this.base);
  }

  private credentialsFor(url: URL): string {
    const authorization = this.opts.authorization();
    if (url.protocol === 'http:' && !isLoopback(url.hostname) && !this.opts.insecure) {
      throw new UsageError(
        `refusing to send credentials over plain http to ${url.host}: anyone on the way could read them`,
        'Use an https:// host, or pass --insecure (or set DOCKERCLOUD_INSECURE=1) if this network is trusted.',
      );
    }
    return authorization;
  }

  private statusError(method: string, res: RawResponse): Error {
    let detail = '';
    try {
      const parsed = JSON.parse(res.text) as { error?: unknown; detail?: unknown };
      const text = parsed?.error ?? parsed?.detail;
      if (typeof text === 'string') detail = withoutControlChars(text, ' ').slice(0, 500);
    } catch {
      // not JSON: the status alone says it
    }
    const where = `${method} ${maskUrl(res.url)}`;
    const message = `${detail || statusText(res.status)} (HTTP ${res.status} from ${where})`;
    if (res.status === 401 || res.status === 403) {
      return new AuthError(
        `the API refused the credentials: ${message}`,
        "Check DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY, or run 'trigger login'.",
      );
    }
    if (res.status === 404) return new NotFoundError(`not found: ${message}`);
    return new ApiError(message, res.status);
  }

  private async sendWithRetries(method: string, url: URL, headers: Record<string, string>, body?: string | Buffer): Promise<RawResponse> {
    const idempotent = method === 'GET' || method === 'DELETE';
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.opts.tries;
      let res: RawResponse;
      try {
        res = await this.inFlight.run(() => this.sendOnce(method, url, headers, body, attempt));
      } catch (err) {
        const code = errorCode(err);
        const retryable = idempotent ? CONNECTION_CODES.has(code ?? '') : NOT_SENT_CODES.has(code ?? '');
        if (last || !retryable || !(err instanceof NetworkError)) throw err;
        await sleep(this.backoff(attempt));
        continue;
      }
      const retryable = (idempotent ? RETRY_STATUSES : NOT_PROCESSED_STATUSES).has(res.status);
      if (last || !retryable) return res;
      await sleep(this.retryAfter(res) ?? this.backoff(attempt));
    }
  }

  private backoff(attempt: number): number {
    const base = (this.opts.backoffMs ?? 250) * 2 ** (attempt - 1);
    return base / 2 + Math.random() * base;
  }

  private retryAfter(res: RawResponse): number | undefined {
    const value = res.headers['retry-after'];
    if (typeof value !== 'string') return undefined;
    const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - Date.now();
    if (!Number.isFinite(ms)) return undefined;
    return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
  }

  private async sendOnce(method: string, url: URL, headers: Record<string, string>, body: string | Buffer | undefined, attempt: number): Promise<RawResponse> {
    // Date.now, not performance.now: the latter loads perf_hooks on first use, for a debug line.
    const started = Date.now();
    const { debug } = this.opts;
    const shown = (): string => maskUrl(url.href);
    debug?.(`> ${method} ${shown()}${attempt > 1 ? ` (try ${attempt})` : ''}${headers.authorization ? ' [Authorization: ***]' : ''}`);
    try {
      const res = await this.transport.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body,
        timeoutMs: this.opts.timeoutMs,
        maxBytes: MAX_BODY_BYTES,
      });
      debug?.(`< ${res.statusCode} ${method} ${shown()} (${Date.now() - started} ms${attempt > 1 ? `, try ${attempt}` : ''})`);
      return { status: res.statusCode, headers: res.headers, text: res.text, url: url.href };
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (err instanceof TooLargeError) {
        throw new ApiError(`the answer from ${shown()} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB; stopped reading`);
      }
      const e = this.networkError(err, method, shown(), err instanceof TimeoutError);
      debug?.(`< error ${method} ${shown()} (${Date.now() - started} ms): ${e.message}`);
      throw e;
    }
  }

  private networkError(err: unknown, method: string, shown: string, timedOut: boolean): NetworkError {
    const code = errorCode(err);
    if (timedOut) {
      return Object.assign(
        new NetworkError(`timed out after ${this.opts.timeoutMs / 1000} s waiting for ${method} ${shown}`, 'Raise it with --timeout SECONDS.'),
        { code: 'ETIMEDOUT', cause: err },
      );
    }
    const reason =
      code === 'ECONNREFUSED' ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found'
      : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'connection reset by the server'
      : /CERT|SSL|TLS|SELF_SIGNED/i.test(code ?? '') ? `TLS failure (${code})`
      : ((err as Error).message ?? String(err));
    return Object.assign(new NetworkError(`cannot reach the API: ${reason} (${method} ${shown})`), { code, cause: err });
  }
}

const STATUS_TEXTS: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 402: 'Payment required', 403: 'Forbidden', 404: 'Not found',
  405: 'Method not allowed', 409: 'Conflict', 413: 'Request too large', 415: 'Unsupported media type',
  429: 'Too many requests', 500: 'Server error', 502: 'Bad gateway', 503: 'Service unavailable', 504: 'Gateway timeout',
};

function statusText(status: number): string {
  return STATUS_TEXTS[status] ?? `HTTP ${status}`;
}
