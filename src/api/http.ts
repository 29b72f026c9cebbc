// How requests reach the API: directly (./direct.ts), or through a proxy when HTTP(S)_PROXY is set and
// the host is not loopback, with undici's proxy agent (CONNECT tunnels for https, NO_PROXY), which
// node:http does not have on Node 20. undici is a bundle of its own (./proxy.ts, dist/proxy.cjs),
// loaded only then.
import type { Dispatcher } from 'undici';
import { CONCURRENCY } from '../concurrency.js';
import { FileError, UsageError } from '../errors.js';
import { directTransport } from './direct.js';
import type { ProxyFailureMarks } from './proxy.js';
import {
  CancelledError,
  CappedBody,
  isLoopback,
  KEEP_ALIVE_MS,
  ProxyError,
  TimeoutError,
  type Response,
  type Transport,
} from './transport.js';

/** The transport for `env`: through a proxy when HTTP(S)_PROXY is set, else direct. */
export function createTransport(env: NodeJS.ProcessEnv): Transport {
  const proxies = { http: proxyFrom(env, 'http_proxy'), https: proxyFrom(env, 'https_proxy') };
  return proxies.http || proxies.https ? proxyTransport(env, proxies) : directTransport();
}

/** A proxy setting: its value, and the variable it came from. */
interface ProxySetting {
  url: string;
  variable: string;
}

/**
 * undici parses HTTP with WebAssembly, which V8 compiles afresh on every run. On Node 20, V8's
 * optimising compiler then holds the run long after the work is done: with its baseline compiler
 * alone, a proxied `trigger list` took 374 ms instead of 547. On Node 22 and 24 the flag made it
 * slower (324 against 268 ms, 362 against 314), so it is set on Node 20 alone. Set once, before
 * undici loads and after dist/main.cjs was: that bundle's code cache fits only the flags it was made with.
 */
function baselineWasmOnly(): void {
  if (Number(process.versions.node.split('.')[0]) >= 22) return;
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
}

function proxyTransport(env: NodeJS.ProcessEnv, proxies: { http?: ProxySetting; https?: ProxySetting }): Transport {
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
    const settings = {
      http: proxies.http?.url ?? '',
      https: proxies.https?.url ?? '',
      noProxy,
      keepAliveMs: KEEP_ALIVE_MS,
      connections: CONCURRENCY,
    };
    return { dispatcher: createProxyDispatcher(settings), proxyRequest };
  };
  return {
    async request(request) {
      const { protocol, hostname } = new URL(request.origin);
      if (isLoopback(hostname)) return direct.request(request);
      const { timeoutMs, maxBytes, signal: cancelled, ...options } = request;
      if (cancelled?.aborted) throw new CancelledError();
      const { dispatcher, proxyRequest } = await (loading ??= load());
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = cancelled ? AbortSignal.any([timeout, cancelled]) : timeout;
      // A request still waiting for its connection (a CONNECT the proxy never answers) does not look at
      // its signal; the race makes the time limit and cancellation hold all the same.
      const stopped = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(timeout.aborted ? new TimeoutError(timeoutMs) : new CancelledError()), {
          once: true,
        }),
      );
      stopped.catch(() => {});
      const exchange = async (): Promise<Response> => {
        const res = await proxyRequest(dispatcher, {
          ...options,
          method: options.method,
          signal,
          // The signal bounds the whole exchange; undici's own time limits are left out.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        const answer = new CappedBody(maxBytes);
        try {
          for await (const chunk of res.body as AsyncIterable<Buffer>) answer.add(chunk);
        } catch (err) {
          res.body.destroy();
          throw err;
        }
        return { statusCode: res.statusCode, headers: res.headers, text: answer.text() };
      };
      // As undici chooses: https through HTTPS_PROXY, else HTTP_PROXY; plain http through HTTP_PROXY alone.
      const proxy = protocol === 'https:' ? (proxies.https ?? proxies.http) : proxies.http;
      return Promise.race([
        stopped,
        exchange().catch((err: unknown) => {
          throw proxy ? blamed(err, proxy) : (err as Error);
        }),
      ]);
    },
    async close() {
      await direct.close();
      const loaded = await loading?.catch(() => undefined);
      await loaded?.dispatcher.destroy();
    },
  };
}

/**
 * A request's failure, as the proxy's when ./proxy.ts marked it so: a connection to the proxy, or a
 * tunnel through it, that failed, or a forwarded request whose connection to the proxy broke.
 */
function blamed(err: unknown, proxy: ProxySetting): Error {
  const marks = err as Partial<ProxyFailureMarks>;
  if (!marks.proxyFailed) return err as Error;
  return new ProxyError(proxy.url, proxy.variable, { status: marks.proxyStatus, sent: marks.proxySent === true }, err);
}

/** A proxy setting (lower case first, as curl reads them), checked to be an http(s) URL. */
function proxyFrom(env: NodeJS.ProcessEnv, name: 'http_proxy' | 'https_proxy'): ProxySetting | undefined {
  const variable = env[name] !== undefined ? name : name.toUpperCase();
  const value = env[variable] ?? '';
  if (value === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${variable} must be an http:// or https:// proxy URL`);
  }
  return { url: value, variable };
}
