// Requests through a proxy, with undici's proxy agent (CONNECT tunnels for https, NO_PROXY). Built
// into a bundle of its own (dist/proxy.cjs) that only a run with a proxy set loads.
import v8 from 'node:v8';
import type { Dispatcher } from 'undici';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import UndiciDispatcher from 'undici/lib/dispatcher/dispatcher.js';
import apiRequest from 'undici/lib/api/api-request.js';
import apiConnect from 'undici/lib/api/api-connect.js';

interface ProxySettings {
  http: string;
  https: string;
  noProxy: string;
  keepAliveMs: number;
  connections: number;
}

export function createProxyDispatcher(settings: ProxySettings): Dispatcher {
  // undici parses HTTP with WebAssembly. V8's optimising compile of it runs in the background and
  // holds the process open for ~80 ms after the work is done; the baseline compiler alone is fast
  // enough for API answers.
  v8.setFlagsFromString('--liftoff-only');
  // undici's entry point adds its API methods to every dispatcher; the proxy agent opens its tunnel
  // with connect(), so that one is added here.
  (UndiciDispatcher.prototype as { connect?: unknown }).connect ??= apiConnect;
  return new EnvHttpProxyAgent({
    keepAliveTimeout: settings.keepAliveMs,
    connections: settings.connections,
    httpProxy: settings.http,
    httpsProxy: settings.https,
    noProxy: settings.noProxy,
    // Plain http goes to a proxy as an ordinary forwarded request; only https needs a CONNECT tunnel,
    // which many proxies allow to port 443 alone.
    proxyTunnel: false,
  });
}

export function proxyRequest(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return apiRequest.call(dispatcher, options);
}
