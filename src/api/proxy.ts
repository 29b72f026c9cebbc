// Requests through a proxy, with undici's proxy agent (CONNECT tunnels for https, NO_PROXY), through
// undici's public entry. Built into a bundle of its own (dist/proxy.cjs) that only a run with a
// proxy set loads.
import { Client, EnvHttpProxyAgent, Pool, type buildConnector, type Dispatcher } from 'undici';
import { BROKEN_CODES, TLS_CODE } from './transport.js';

interface ProxySettings {
  http: string;
  https: string;
  noProxy: string;
  keepAliveMs: number;
  connections: number;
}

/**
 * What a failure of the proxy itself carries (a connection to it refused, a tunnel it closed or
 * answered with another status than 200), so that the CLI names the proxy rather than the API.
 */
export interface ProxyFailureMarks {
  proxyFailed: true;
  /** The status the proxy answered with, for a tunnel or a request it refused. */
  proxyStatus?: number;
  /** A forwarded request whose connection to the proxy broke once it was sent: it may have gone on. */
  proxySent?: boolean;
}

/** The origins each dispatcher reaches without the proxy (NO_PROXY): their failures are their own. */
const directOrigins = new WeakMap<Dispatcher, Set<string>>();

export function createProxyDispatcher(settings: ProxySettings): Dispatcher {
  const direct = new Set<string>();
  const dispatcher = new EnvHttpProxyAgent({
    keepAliveTimeout: settings.keepAliveMs,
    connections: settings.connections,
    httpProxy: settings.http,
    httpsProxy: settings.https,
    noProxy: settings.noProxy,
    // Plain http goes to a proxy as an ordinary forwarded request; only https needs a CONNECT tunnel,
    // which many proxies allow to port 443 alone.
    proxyTunnel: false,
    factory: (origin, opts) => dispatcherFor(origin, opts, direct),
  });
  directOrigins.set(dispatcher, direct);
  return dispatcher;
}

export async function proxyRequest(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  try {
    return await dispatcher.request(options);
  } catch (err) {
    // A forwarded request the proxy answers 407 fails with this error, not with the answer.
    const status = /^Proxy Authentication Required \((\d{3})\)$/.exec((err as Error).message)?.[1];
    if (status) throw proxyFailure(err as Error, Number(status));
    // Plain http not reached directly goes over a connection to the proxy: that is what broke.
    const forwarded = new URL(String(options.origin)).protocol === 'http:' && !directOrigins.get(dispatcher)?.has(String(options.origin));
    if (forwarded && BROKEN_CODES.has(String((err as { code?: unknown }).code)))
      throw Object.assign(proxyFailure(err as Error, undefined), { proxySent: true });
    throw err;
  }
}

/**
 * The connections of an origin, as undici makes them by default. Those made through the proxy are
 * the ones undici hands a connector of its own (its CONNECT tunnel, or its connection to the proxy
 * for forwarded requests): their failures are marked as the proxy's. A tunnel the proxy closes
 * fails with a socket error, which undici takes as a reason to connect again at once, without end;
 * marked, it fails the request instead, which is then tried as many times as any other.
 */
function dispatcherFor(origin: string | URL, opts: object, direct: Set<string>): Dispatcher {
  const { connect } = opts as { connect?: unknown };
  if (typeof connect !== 'function') direct.add(String(origin));
  const options = typeof connect === 'function' ? { ...opts, connect: throughProxy(connect as buildConnector.connector) } : opts;
  return (options as { connections?: number }).connections === 1 ? new Client(origin, options) : new Pool(origin, options);
}

function throughProxy(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) =>
    connect(options, (...args) => {
      const [err] = args;
      // A TLS failure is the API host's, met through the tunnel.
      if (!err || TLS_CODE.test(String((err as { code?: unknown }).code))) return callback(...args);
      const status = /^Proxy response \((\d{3})\)/.exec(err.message)?.[1];
      callback(proxyFailure(err, status ? Number(status) : undefined), null);
    });
}

function proxyFailure(err: Error, status: number | undefined): Error {
  const code = (err as { code?: unknown }).code;
  const marks: ProxyFailureMarks = { proxyFailed: true, proxyStatus: status };
  // Not undici's socket error: that code alone would make it connect again.
  return Object.assign(new Error(err.message, { cause: err }), marks, { code: code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code });
}
