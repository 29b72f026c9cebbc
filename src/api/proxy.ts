// Requests through a proxy, with undici's proxy agent (CONNECT tunnels for https, NO_PROXY), through
// undici's public entry. Built into a bundle of its own (dist/proxy.cjs) that only a run with a
// proxy set loads.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

interface ProxySettings {
  http: string;
  https: string;
  noProxy: string;
  keepAliveMs: number;
  connections: number;
}

export function createProxyDispatcher(settings: ProxySettings): Dispatcher {
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
  return dispatcher.request(options);
}
