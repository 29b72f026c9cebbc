// How requests reach the API. Directly, they go through node:http(s), whose HTTP parser is compiled
// into Node. undici parses with WebAssembly, which V8 compiles on every run: with it, `trigger list`
// took about 8 ms longer. undici is loaded only when a proxy is set, for its proxy agent (CONNECT
// tunnels for https, NO_PROXY), which node:http does not have on Node 20.
import http from 'node:http';
import type { Dispatcher } from 'undici';
import { CONCURRENCY } from '../concurrency.js';
import { UsageError } from '../errors.js';

export interface RequestOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
}

export interface Response {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & { destroy(): void };
}

/** The run's connections: kept alive and reused, at most CONCURRENCY to a host. */
export interface Transport {
  request(options: RequestOptions): Promise<Response>;
  /** Ends every connection at once; a request still waiting is dropped. */
  close(): Promise<void>;
}

const KEEP_ALIVE_MS = 10_000;

/** What node:http and node:https have alike. */
type HttpModule = Pick<typeof http, 'Agent' | 'request'>;

/** The transport for `env`: through a proxy when HTTP(S)_PROXY is set, else direct. */
export function createTransport(env: NodeJS.ProcessEnv): Transport {
  const proxies = { http: proxyFrom(env, 'http_proxy'), https: proxyFrom(env, 'https_proxy') };
  return proxies.http || proxies.https ? proxyTransport(env, proxies) : directTransport();
}

function directTransport(): Transport {
  const agents = new Map<string, { mod: HttpModule; agent: http.Agent }>();
  const agentFor = (protocol: string): { mod: HttpModule; agent: http.Agent } => {
    let entry = agents.get(protocol);
    if (!entry) {
      // node:https (and TLS with it) is loaded only for an https host.
      const mod = protocol === 'https:' ? (process.getBuiltinModule('node:https') as HttpModule) : http;
      entry = { mod, agent: new mod.Agent({ keepAlive: true, keepAliveMsecs: KEEP_ALIVE_MS, maxSockets: CONCURRENCY, scheduling: 'lifo' }) };
      agents.set(protocol, entry);
    }
    return entry;
  };
  return {
    request(o) {
      const url = new URL(o.origin);
      const { mod, agent } = agentFor(url.protocol);
      return new Promise((resolve, reject) => {
        const req = mod.request(
          {
            agent,
            method: o.method,
            // URL keeps the brackets of an IPv6 address; a socket wants the address alone.
            host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: url.port,
            path: o.path,
            headers: o.headers,
            signal: o.signal,
          },
          (res) => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res }),
        );
        req.on('error', reject);
        req.end(o.body);
      });
    },
    async close() {
      for (const { agent } of agents.values()) agent.destroy();
    },
  };
}

function proxyTransport(env: NodeJS.ProcessEnv, proxies: { http: string; https: string }): Transport {
  let dispatcher: Promise<Dispatcher> | undefined;
  const load = async (): Promise<Dispatcher> => {
    const [{ default: EnvHttpProxyAgent }, { default: UndiciDispatcher }, { default: apiConnect }] = await Promise.all([
      import('undici/lib/dispatcher/env-http-proxy-agent.js'),
      import('undici/lib/dispatcher/dispatcher.js'),
      import('undici/lib/api/api-connect.js'),
    ]);
    // undici's entry point adds its API methods to every dispatcher; the proxy agent opens its
    // tunnel with connect(), so that one is added here.
    (UndiciDispatcher.prototype as { connect?: unknown }).connect ??= apiConnect;
    return new EnvHttpProxyAgent({
      keepAliveTimeout: KEEP_ALIVE_MS,
      connections: CONCURRENCY,
      httpProxy: proxies.http,
      httpsProxy: proxies.https,
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
      // Plain http goes to a proxy as an ordinary forwarded request; only https needs a CONNECT
      // tunnel, which many proxies allow to port 443 alone.
      proxyTunnel: false,
    });
  };
  return {
    async request(o) {
      dispatcher ??= load();
      const { default: apiRequest } = await import('undici/lib/api/api-request.js');
      const res = await apiRequest.call(await dispatcher, {
        ...o,
        method: o.method as Dispatcher.HttpMethod,
        // The caller's signal bounds the whole request; these only keep undici's own limits out of the way.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
    async close() {
      if (dispatcher) await (await dispatcher).destroy();
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
