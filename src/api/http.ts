// The two parts of undici the client uses. undici's entry point loads every feature it has (fetch,
// websockets, caches, mocks) and costs more start-up than the whole rest of the CLI, so the
// dispatcher and request() are imported from their own modules.
import type { Dispatcher } from 'undici';
import { CONCURRENCY } from '../concurrency.js';
import { UsageError } from '../errors.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import UndiciDispatcher from 'undici/lib/dispatcher/dispatcher.js';
import apiRequest from 'undici/lib/api/api-request.js';
import apiConnect from 'undici/lib/api/api-connect.js';

/** One keep-alive dispatcher for the whole run; honours HTTP(S)_PROXY and NO_PROXY (either case) of `env`. */
export function createDispatcher(env: NodeJS.ProcessEnv): Dispatcher {
  // undici's entry point adds its API methods to every dispatcher; a proxy agent opens its tunnel
  // with connect(), so that one is added here.
  (UndiciDispatcher.prototype as { connect?: unknown }).connect ??= apiConnect;
  return new EnvHttpProxyAgent({
    keepAliveTimeout: 10_000,
    connections: CONCURRENCY,
    httpProxy: proxyFrom(env, 'http_proxy'),
    httpsProxy: proxyFrom(env, 'https_proxy'),
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    // Plain http goes to a proxy as an ordinary forwarded request; only https needs a CONNECT tunnel,
    // which many proxies allow to port 443 alone.
    proxyTunnel: false,
  });
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

export function httpRequest(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return apiRequest.call(dispatcher, options);
}
