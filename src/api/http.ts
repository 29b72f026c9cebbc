// The two parts of undici the client uses. undici's entry point loads every feature it has (fetch,
// websockets, caches, mocks) and costs more start-up than the whole rest of the CLI, so the
// dispatcher and request() are imported from their own modules.
import v8 from 'node:v8';
import type { Dispatcher } from 'undici';
import { CONCURRENCY } from '../concurrency.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import UndiciDispatcher from 'undici/lib/dispatcher/dispatcher.js';
import apiRequest from 'undici/lib/api/api-request.js';
import apiConnect from 'undici/lib/api/api-connect.js';

/** One keep-alive dispatcher for the whole run; honours HTTP(S)_PROXY and NO_PROXY (either case) of `env`. */
export function createDispatcher(env: NodeJS.ProcessEnv): Dispatcher {
  // undici's entry point adds its API methods to every dispatcher; a proxy agent opens its tunnel
  // with connect(), so that one is added here.
  (UndiciDispatcher.prototype as { connect?: unknown }).connect ??= apiConnect;
  // undici parses HTTP with a WebAssembly module. V8's optimising compile of it runs in the
  // background and holds the process open for ~80 ms after the work is done; the baseline
  // compiler alone is fast enough for API answers.
  v8.setFlagsFromString('--liftoff-only');
  return new EnvHttpProxyAgent({
    keepAliveTimeout: 10_000,
    connections: CONCURRENCY,
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  });
}

export function httpRequest(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return apiRequest.call(dispatcher, options);
}
