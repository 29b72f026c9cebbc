// Requests that fail on the way: which failures are worth another try, and what each one is called.
import { STATUS_CODES } from 'node:http';
import { NetworkError } from '../errors.js';
import { maskUrl } from './mask.js';
import { BROKEN_CODES, ProxyError, TLS_CODE } from './transport.js';

// Errors the socket (or undici, through a proxy) raises before a request could have reached the server;
// EPROXY is a failure of the connection to a proxy, or of the tunnel through it, EPROXYSENT of a
// connection to it that broke once the request was sent.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROXY',
]);
const CONNECTION_CODES = new Set([...NOT_SENT_CODES, ...BROKEN_CODES, 'EPROXYSENT']);
// Statuses worth another try: all four for GET and DELETE; for POST only the two that say the
// request was not acted on.
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const NOT_PROCESSED_STATUSES = new Set([429, 503]);

const isIdempotent = (method: string): boolean => method === 'GET' || method === 'DELETE';

/** Whether a request that failed with `err` may be sent again: a POST only when it cannot have arrived. */
export function retryableError(method: string, err: unknown): boolean {
  const code = errorCode(err) ?? '';
  return err instanceof NetworkError && (isIdempotent(method) ? CONNECTION_CODES : NOT_SENT_CODES).has(code);
}

export function retryableStatus(method: string, status: number): boolean {
  return (isIdempotent(method) ? RETRY_STATUSES : NOT_PROCESSED_STATUSES).has(status);
}

function errorCode(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (e.code) return e.code;
  }
  return undefined;
}

/** The error for a request that got no answer: refused, DNS, TLS, reset, or out of time (`timeoutMs`). */
export function networkError(err: unknown, method: string, url: URL, timeoutMs: number | undefined): NetworkError {
  const code = errorCode(err);
  const shown = maskUrl(url.href);
  if (timeoutMs !== undefined) {
    return Object.assign(
      new NetworkError(`timed out after ${timeoutMs / 1000} s waiting for ${method} ${shown}`, 'Raise it with --timeout SECONDS.'),
      { code: 'ETIMEDOUT', cause: err },
    );
  }
  if (err instanceof ProxyError) return proxyFailure(err, `${method} ${shown}`);
  // What OpenSSL says when the first bytes of the answer are not TLS: a plain http server, most often.
  if (url.protocol === 'https:' && /wrong.version.number|packet.length.too.long/i.test(`${code} ${(err as Error).message}`)) {
    const message = `the server at ${url.host} does not speak TLS (${method} ${shown}); did you mean http://${url.host}/?`;
    return Object.assign(new NetworkError(message), { code, cause: err });
  }
  // What Node's HTTP parser stops at when a plain http request reaches a TLS server that answers with a
  // TLS record (an alert, most often): content type 20 to 23, then major version 3.
  if (url.protocol === 'http:' && startsWithTlsRecord((err as { rawPacket?: unknown }).rawPacket)) {
    const message = `the server at ${url.host} speaks TLS, not plain http (${method} ${shown}); did you mean https://${url.host}/?`;
    return Object.assign(new NetworkError(message), { code, cause: err });
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'connection reset by the server'
          : TLS_CODE.test(code ?? '')
            ? `TLS failure (${code})`
            : ((err as Error).message ?? String(err));
  return Object.assign(new NetworkError(`cannot reach the API: ${reason} (${method} ${shown})`), { code, cause: err });
}

function startsWithTlsRecord(packet: unknown): boolean {
  return Buffer.isBuffer(packet) && packet.length >= 2 && packet[0] >= 20 && packet[0] <= 23 && packet[1] === 3;
}

/** A failure of the proxy, named with the variable that set it; the proxy's user and password are never shown. */
function proxyFailure(err: ProxyError, request: string): NetworkError {
  const proxy = `the proxy ${maskUrl(new URL(err.url).href)} (from ${err.variable})`;
  const hint = `The proxy comes from ${err.variable}: check it, or unset it (NO_PROXY names the hosts reached without it).`;
  if (err.status !== undefined) {
    const message = `${proxy} refused: ${err.status} ${STATUS_CODES[err.status] ?? ''}`.trimEnd();
    return Object.assign(new NetworkError(`${message} (${request})`, hint), { code: 'EPROXYREFUSED', cause: err });
  }
  const message =
    err.code === 'ECONNREFUSED'
      ? `cannot reach ${proxy}: connection refused`
      : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
        ? `cannot reach ${proxy}: host not found`
        : BROKEN_CODES.has(err.code)
          ? `${proxy} closed the connection`
          : `cannot reach the API through ${proxy}: ${err.message}`;
  return Object.assign(new NetworkError(`${message} (${request})`, hint), { code: err.sent ? 'EPROXYSENT' : 'EPROXY', cause: err });
}
