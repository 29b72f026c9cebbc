// What the two ways of reaching the API (direct.ts, and http.ts through a proxy) have in common: the
// request and its answer, the errors a request fails with, and how much of an answer is read.

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

/** An answer's bytes, up to a cap: both transports read answers through it. */
export class CappedBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly maxBytes: number) {}

  /** Keeps a chunk; past the cap, throws TooLargeError and keeps nothing more. */
  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) throw new TooLargeError();
    this.chunks.push(chunk);
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}

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

/** How long an idle connection is kept for the next request. */
export const KEEP_ALIVE_MS = 10_000;

/**
 * The proxy, not the API, failed the request: a connection to it refused or broken, a tunnel it
 * closed, or a status it answered with itself (407). `url` is the proxy as set, `variable` where it
 * was set; `sent` says the request may have gone on to the API.
 */
export class ProxyError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly sent: boolean;
  constructor(
    readonly url: string,
    readonly variable: string,
    { status, sent }: { status?: number; sent: boolean },
    cause: unknown,
  ) {
    super((cause as Error).message, { cause });
    this.code = String((cause as { code?: unknown }).code);
    this.status = status;
    this.sent = sent;
  }
}

/** Error codes of a connection that broke once the request was on its way: it may have arrived. */
export const BROKEN_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Error codes of a failed TLS handshake or certificate check. */
export const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|EPROTO/i;
