// How requests reach the API. Directly, they go through node:http(s), whose HTTP parser is compiled
// into Node. undici parses with WebAssembly, which V8 compiles on every run: with it, `trigger list`
// took about 8 ms longer. undici is loaded only when a proxy is set, for its proxy agent (CONNECT
// tunnels for https, NO_PROXY), which node:http does not have on Node 20: see ./proxy.ts.
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
  let loading: Promise<{ dispatcher: Dispatcher; proxyRequest: typeof import('./proxy.js').proxyRequest }> | undefined;
  const load = async () => {
    const { createProxyDispatcher, proxyRequest } = await import('./proxy.js').catch((err: Error) => {
      // Only a damaged installation gets here.
      throw new FileError(`cannot load the proxy support: ${err.message.split('\n')[0]}`, 'Reinstall the package.');
    });
    const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
    return { dispatcher: createProxyDispatcher({ ...proxies, noProxy, keepAliveMs: KEEP_ALIVE_MS, connections: CONCURRENCY }), proxyRequest };
  };
  return {
    async request(o) {
      const { dispatcher, proxyRequest } = await (loading ??= load());
      const res = await proxyRequest(dispatcher, {
        ...o,
        method: o.method as Dispatcher.HttpMethod,
        // The caller's signal bounds the whole request; undici's own time limits are left out.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
    async close() {
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
