// The wire under ApiClient: Requester.send owns URLs, headers, credentials, time limits, retries and
// redirects; ./http.js carries them. ./answers.js turns what comes back into values or typed errors,
// ./failures.js names the requests that got no answer, ./paging.js reads lists.
import { createTransport } from './http.js';
import { CancelledError, isLoopback, TimeoutError, TooLargeError, type Transport } from './transport.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, CliError, UsageError } from '../errors.js';
import { CONCURRENCY, Limiter } from '../concurrency.js';
import { checkObject, checkPage, redirectTarget, statusError, type RawResponse } from './answers.js';
import { networkError, retryableError, retryableStatus } from './failures.js';
import { maskUrl } from './mask.js';
import { allObjects, pages, type Query } from './paging.js';
import type { ListPage } from './types.js';

export interface ClientOptions {
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

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Raw body sent as is (trigger calls). */
  rawBody?: string | Buffer;
  /** Send credentials (everything but a trigger call). */
  auth?: boolean;
  /** Cancels the request, wherever it is (waiting, sending, reading, between tries): it fails with CancelledError. */
  signal?: AbortSignal;
}

/** What the clients of one run share, whatever namespace each acts in: connections, and the bound on requests in flight. */
export interface Wire {
  transport: Transport;
  inFlight: Limiter;
}

export class Requester {
  protected readonly wire: Wire;
  private readonly base: URL;

  constructor(
    protected readonly opts: ClientOptions,
    wire?: Wire,
  ) {
    this.base = new URL(opts.host);
    // One bound for every request of the run, however commands nest their concurrent work.
    this.wire = wire ?? { transport: createTransport(opts.env ?? process.env), inFlight: new Limiter(CONCURRENCY) };
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
    if (!/[?#]/.test(path)) return new URL(params.size > 0 ? `${path}?${params.toString()}` : path, this.base);
    const url = new URL(path, this.base);
    for (const [k, v] of params) url.searchParams.set(k, v);
    return url;
  }

  /** Ends the run's connections; whatever is still queued (a request that timed out) is dropped. */
  async close(): Promise<void> {
    await this.wire.transport.close();
  }

  // --- lists ---

  async getPage<T>(path: string, query: Query = {}): Promise<ListPage<T>> {
    return checkPage<T>(await this.send('GET', path, { query }));
  }

  /** Every object of a list (see ./paging.ts). */
  listAll<T>(path: string, query: Query = {}): Promise<T[]> {
    return allObjects<T>(this, path, query);
  }

  /** The pages of a list, in order, as they arrive (see ./paging.ts): a long list is not held whole. */
  listPages<T>(path: string, query: Query = {}): AsyncGenerator<T[]> {
    return pages<T>(this, path, query);
  }

  protected async getObject<T>(path: string): Promise<T> {
    return checkObject<T>(await this.send('GET', path));
  }

  /** Sends one request with retries and redirects; returns a 2xx answer or throws a typed error. */
  async send(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<RawResponse> {
    const auth = options.auth ?? true;
    let url = this.url(pathOrUrl, options.query);
    // Only the API names such a URL (a `meta.next`, an action URI): what the user gives is checked first.
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ApiError(`the API named a URL that is not http(s) (${url.protocol.slice(0, 20)}), which is never requested`);
    }
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
    // Redirects are followed for GET alone.
    const follow = method === 'GET';

    const first = url;
    for (let redirects = 0; ; redirects++) {
      const res = await this.sendWithRetries(
        method,
        url,
        { ...headers, ...(authorization ? { authorization } : {}) },
        body,
        options.signal,
      );
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        const from = `${method} ${maskUrl(url.href)}`;
        if (!follow) throw new ApiError(`${from} answered a redirect (HTTP ${res.status}), which is not followed`, res.status);
        if (redirects >= MAX_REDIRECTS) {
          throw new ApiError(
            `too many redirects for ${method} ${maskUrl(first.href)}: stopped after ${MAX_REDIRECTS} redirects`,
            res.status,
          );
        }
        const target = redirectTarget(res.headers.location, url);
        if (typeof target === 'string') throw new ApiError(`${from} answered a redirect (HTTP ${res.status}) ${target}`, res.status);
        // Credentials go only to the origin they were meant for.
        if (target.origin !== url.origin) authorization = undefined;
        url = target;
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      // Only a trigger call goes without credentials.
      throw statusError(method, res, !auth);
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

  private async sendWithRetries(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.opts.tries;
      let res: RawResponse;
      try {
        res = await this.wire.inFlight.run(() => this.sendOnce(method, url, headers, body, attempt, signal));
      } catch (err) {
        if (last || !retryableError(method, err)) throw err;
        await pause(this.backoff(attempt), signal);
        continue;
      }
      if (last || !retryableStatus(method, res.status)) return res;
      await pause(this.retryAfter(res) ?? this.backoff(attempt), signal);
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

  private async sendOnce(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    // Date.now, not performance.now: the latter loads perf_hooks on first use, for a debug line.
    const started = Date.now();
    const { debug } = this.opts;
    const shown = (): string => maskUrl(url.href);
    debug?.(`> ${method} ${shown()}${attempt > 1 ? ` (try ${attempt})` : ''}${headers.authorization ? ' [Authorization: ***]' : ''}`);
    try {
      const res = await this.wire.transport.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body,
        timeoutMs: this.opts.timeoutMs,
        maxBytes: MAX_BODY_BYTES,
        signal,
      });
      debug?.(`< ${res.statusCode} ${method} ${shown()} (${Date.now() - started} ms${attempt > 1 ? `, try ${attempt}` : ''})`);
      return { status: res.statusCode, headers: res.headers, text: res.text, url: url.href };
    } catch (err) {
      if (err instanceof CliError || err instanceof CancelledError) throw err;
      if (err instanceof TooLargeError) {
        throw new ApiError(`the answer from ${shown()} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB; stopped reading`);
      }
      const e = networkError(err, method, url, err instanceof TimeoutError ? this.opts.timeoutMs : undefined);
      debug?.(`< error ${method} ${shown()} (${Date.now() - started} ms): ${e.message}`);
      throw e;
    }
  }
}

/** Waits `ms`; a cancellation ends the wait at once. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new CancelledError();
  }
}
