// How requests reach the API. Directly, they go through node:http(s), whose HTTP parser is compiled
// into Node. undici parses with WebAssembly, which V8 compiles on every run: with it, `trigger list`
// took about 8 ms longer. undici is loaded only when a proxy is set and a host that is not loopback
// is asked for, for its proxy agent (CONNECT tunnels for https, NO_PROXY), which node:http does not
// have on Node 20: see ./proxy.ts.
import http from 'node:http';
import type { Dispatcher } from 'undici';
import { CONCURRENCY } from '../concurrency.js';
import { FileError, UsageError } from '../errors.js';

export interface RequestOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** For the whole exchange, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** The longest answer read; past it the request fails with TooLargeError. */
  maxBytes: number;
  /** Cancels the request: it fails with CancelledError. */
  signal?: AbortSignal;
}

export interface Response {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The run's connections: kept alive and reused, at most CONCURRENCY to a host. */
export interface Transport {
  request(options: RequestOptions): Promise<Response>;
  /** Ends every connection at once; a request still waiting is dropped. */
  close(): Promise<void>;
}

/** The request did not end within its time limit. */
export class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** The answer is longer than the request's maxBytes; the rest was not read. */
export class TooLargeError extends Error {}

/** The request was cancelled through its signal. */
export class CancelledError extends Error {
  readonly code = 'ABORT_ERR';
  constructor() {
    super('the request was cancelled');
  }
}

/**
 * Whether a URL's host name is this machine: localhost, 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z).
 * Such a host is never reached through a proxy, which would take the request off the machine.
 */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
  );
}

// A body larger than this waits for the server's 100 Continue before it is sent, as curl does, for up
// to CONTINUE_WAIT_MS: a server that refuses the request from its headers (413) then answers before
// any of the body goes out. Sent at once, the body could meet the connection the server closed after
// answering, and the failed write would lose the answer that was already there to read.
const EXPECT_CONTINUE_BYTES = 1024 * 1024;
const CONTINUE_WAIT_MS = 1000;

const KEEP_ALIVE_MS = 10_000;

/** The transport for `env`: through a proxy when HTTP(S)_PROXY is set, else direct. */
export function createTransport(env: NodeJS.ProcessEnv): Transport {
  const proxies = { http: proxyFrom(env, 'http_proxy'), https: proxyFrom(env, 'https_proxy') };
  return proxies.http || proxies.https ? proxyTransport(env, proxies) : directTransport();
}

/** What node:http and node:https have alike. */
type HttpModule = Pick<typeof http, 'Agent' | 'request'>;

interface Origin {
  mod: HttpModule;
  agent: http.Agent;
  host: string;
  port: string;
}

function directTransport(): Transport {
  const origins = new Map<string, Origin>();
  const originOf = (origin: string): Origin => {
    let o = origins.get(origin);
    if (!o) {
      const url = new URL(origin);
      // node:https (and TLS with it) is loaded only for an https host.
      const mod = url.protocol === 'https:' ? (process.getBuiltinModule('node:https') as HttpModule) : http;
      // `timeout` closes a connection idle that long, or sooner when the server says it will.
      const agent = new mod.Agent({ keepAlive: true, keepAliveMsecs: KEEP_ALIVE_MS, timeout: KEEP_ALIVE_MS, maxSockets: CONCURRENCY, scheduling: 'lifo' });
      // URL keeps the brackets of an IPv6 address; a socket wants the address alone.
      o = { mod, agent, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port };
      origins.set(origin, o);
    }
    return o;
  };
  return {
    request(options) {
      const { mod, agent, host, port } = originOf(options.origin);
      const { body, signal } = options;
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError());
        const length = body === undefined ? 0 : Buffer.byteLength(body);
        const expect = length > EXPECT_CONTINUE_BYTES;
        // The headers go out before the body, so they say its length themselves.
        const headers = expect ? { ...options.headers, expect: '100-continue', 'content-length': String(length) } : options.headers;
        let settled = false;
        let answered = false;
        const req = mod.request({ agent, host, port, method: options.method, path: options.path, headers }, (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxBytes) settle(new TooLargeError());
            else chunks.push(chunk);
          });
          res.on('end', () => settle(undefined, { statusCode: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks, size).toString('utf8') }));
          res.on('error', settle);
          res.on('close', () => {
            // A connection closed in the middle of the answer.
            if (!settled) settle(Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' }));
          });
        });
        const timer = setTimeout(() => settle(new TimeoutError(options.timeoutMs)), options.timeoutMs);
        const cancel = (): void => settle(new CancelledError());
        signal?.addEventListener('abort', cancel, { once: true });
        let continueTimer: NodeJS.Timeout | undefined;
        const settle = (err: Error | undefined, res?: Response): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(continueTimer);
          signal?.removeEventListener('abort', cancel);
          // A request answered before all of it was sent leaves its connection unusable.
          if (err || !req.writableFinished) req.destroy();
          if (err) reject(err);
          else resolve(res!);
        };
        // Once the server has answered, failing to send the rest (it closed the connection) loses
        // nothing: its answer is read to the end.
        req.on('error', (err) => {
          if (!answered) settle(err);
        });
        if (!expect) {
          req.end(body);
          return;
        }
        const send = (): void => {
          clearTimeout(continueTimer);
          if (!answered && !settled && !req.writableEnded) req.end(body);
        };
        continueTimer = setTimeout(send, CONTINUE_WAIT_MS);
        // A refusal can follow 100 Continue at once (a server that says it to every request): the
        // body waits for one more round of reading, which takes that refusal in first.
        req.on('continue', () => setImmediate(() => setImmediate(send)));
        req.flushHeaders();
      });
    },
    async close() {
      for (const { agent } of origins.values()) agent.destroy();
    },
  };
}

/**
 * undici parses HTTP with WebAssembly, which V8 compiles afresh on every run; its optimising compiler
 * then holds the run long after the work is done. With V8's baseline compiler alone, a proxied
 * `trigger list` is much faster (`npm run bench` measures it; see the README). Set once, before
 * undici loads and after dist/main.cjs was: that bundle's code cache fits only the flags it was made with.
 */
function baselineWasmOnly(): void {
  (process.getBuiltinModule('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
}

function proxyTransport(env: NodeJS.ProcessEnv, proxies: { http: string; https: string }): Transport {
  // A loopback host goes direct whatever the proxy settings say (Go's rule): through a proxy, a request
  // to this machine would leave it, in clear text for plain http, credentials included.
  const direct = directTransport();
  let loading: Promise<{ dispatcher: Dispatcher; proxyRequest: typeof import('./proxy.js').proxyRequest }> | undefined;
  const load = async () => {
    baselineWasmOnly();
    const { createProxyDispatcher, proxyRequest } = await import('./proxy.js').catch((err: Error) => {
      // Only a damaged installation gets here.
      throw new FileError(`cannot load the proxy support: ${err.message.split('\n')[0]}`, 'Reinstall the package.');
    });
    const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
    return { dispatcher: createProxyDispatcher({ ...proxies, noProxy, keepAliveMs: KEEP_ALIVE_MS, connections: CONCURRENCY }), proxyRequest };
  };
  return {
    async request(request) {
      if (isLoopback(new URL(request.origin).hostname)) return direct.request(request);
      const { timeoutMs, maxBytes, signal: cancelled, ...options } = request;
      if (cancelled?.aborted) throw new CancelledError();
      const { dispatcher, proxyRequest } = await (loading ??= load());
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = cancelled ? AbortSignal.any([timeout, cancelled]) : timeout;
      // A request that never gets a connection (a proxy that drops it, which undici retries without
      // end) never looks at its signal; the race makes the time limit and cancellation hold all the same.
      const stopped = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(timeout.aborted ? new TimeoutError(timeoutMs) : new CancelledError()), { once: true }),
      );
      stopped.catch(() => {});
      const exchange = async (): Promise<Response> => {
        const res = await proxyRequest(dispatcher, {
          ...options,
          method: options.method as Dispatcher.HttpMethod,
          signal,
          // The signal bounds the whole exchange; undici's own time limits are left out.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > maxBytes) {
            res.body.destroy();
            throw new TooLargeError();
          }
          chunks.push(chunk);
        }
        return { statusCode: res.statusCode, headers: res.headers, text: Buffer.concat(chunks, size).toString('utf8') };
      };
      return Promise.race([stopped, exchange()]);
    },
    async close() {
      await direct.close();
      const loaded = await loading?.catch(() => undefined);
      await loaded?.dispatcher.destroy();
    },
  };
}

/** A proxy setting (lower case first, as curl reads them), checked to be an http(s) URL. */
function proxyFrom(env: NodeJS.ProcessEnv, name: 'http_proxy' | 'https_proxy'): string {
  const upper = name.toUpperCase();
  const value = env[name] ?? env[upper] ?? '';
  if (value === '') return '';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${env[name] !== undefined ? name : upper} must be an http:// or https:// proxy URL`);
  }
  return value;
}
