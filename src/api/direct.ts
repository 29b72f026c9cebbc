// Requests straight to the API through node:http(s), whose HTTP parser is compiled into Node. undici
// parses with WebAssembly, which V8 compiles on every run: with it, `trigger list` took about 8 ms
// longer. undici carries only proxied requests (http.ts).
import http from 'node:http';
import { CONCURRENCY } from '../concurrency.js';
import { CancelledError, CappedBody, KEEP_ALIVE_MS, TimeoutError, type Response, type Transport } from './transport.js';

// A body larger than this waits for the server's 100 Continue before it is sent, as curl does, for up
// to CONTINUE_WAIT_MS: a server that refuses the request from its headers (413) then answers before
// any of the body goes out. Sent at once, the body could meet the connection the server closed after
// answering, and the failed write would lose the answer that was already there to read.
const EXPECT_CONTINUE_BYTES = 1024 * 1024;
const CONTINUE_WAIT_MS = 1000;

/** What node:http and node:https have alike. */
type HttpModule = Pick<typeof http, 'Agent' | 'request'>;

interface Origin {
  mod: HttpModule;
  agent: http.Agent;
  host: string;
  port: string;
}

export function directTransport(): Transport {
  const origins = new Map<string, Origin>();
  const originOf = (origin: string): Origin => {
    let o = origins.get(origin);
    if (!o) {
      const url = new URL(origin);
      // node:https (and TLS with it) is loaded only for an https host.
      const mod = url.protocol === 'https:' ? (process.getBuiltinModule('node:https') as HttpModule) : http;
      // `timeout` closes a connection idle that long, or sooner when the server says it will.
      const agent = new mod.Agent({
        keepAlive: true,
        keepAliveMsecs: KEEP_ALIVE_MS,
        timeout: KEEP_ALIVE_MS,
        maxSockets: CONCURRENCY,
        scheduling: 'lifo',
      });
      // URL keeps the brackets of an IPv6 address; a socket wants the address alone.
      o = { mod, agent, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port };
      origins.set(origin, o);
    }
    return o;
  };
  return {
    request(options) {
      const { mod, agent, host, port } = originOf(options.origin);
      const { body, signal } = options;
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError());
        const length = body === undefined ? 0 : Buffer.byteLength(body);
        const expect = length > EXPECT_CONTINUE_BYTES;
        // The headers go out before the body, so they say its length themselves.
        const headers = expect ? { ...options.headers, expect: '100-continue', 'content-length': String(length) } : options.headers;
        let settled = false;
        let answered = false;
        const req = mod.request({ agent, host, port, method: options.method, path: options.path, headers }, (res) => {
          answered = true;
          const answer = new CappedBody(options.maxBytes);
          res.on('data', (chunk: Buffer) => {
            try {
              answer.add(chunk);
            } catch (err) {
              settle(err as Error);
            }
          });
          res.on('end', () => settle(undefined, { statusCode: res.statusCode ?? 0, headers: res.headers, text: answer.text() }));
          res.on('error', settle);
          res.on('close', () => {
            // A connection closed in the middle of the answer.
            if (!settled) settle(Object.assign(new Error('the connection closed before the answer ended'), { code: 'ECONNRESET' }));
          });
        });
        const timer = setTimeout(() => settle(new TimeoutError(options.timeoutMs)), options.timeoutMs);
        const cancel = (): void => settle(new CancelledError());
        signal?.addEventListener('abort', cancel, { once: true });
        let continueTimer: NodeJS.Timeout | undefined;
        const settle = (err: Error | undefined, res?: Response): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(continueTimer);
          signal?.removeEventListener('abort', cancel);
          // A request answered before all of it was sent leaves its connection unusable.
          if (err || !req.writableFinished) req.destroy();
          if (err) reject(err);
          else resolve(res!);
        };
        // Once the server has answered, failing to send the rest (it closed the connection) loses
        // nothing: its answer is read to the end.
        req.on('error', (err) => {
          if (!answered) settle(err);
        });
        if (!expect) {
          req.end(body);
          return;
        }
        const send = (): void => {
          clearTimeout(continueTimer);
          if (!answered && !settled && !req.writableEnded) req.end(body);
        };
        continueTimer = setTimeout(send, CONTINUE_WAIT_MS);
        // A refusal can follow 100 Continue at once (a server that says it to every request): the
        // body waits for one more round of reading, which takes that refusal in first.
        req.on('continue', () => setImmediate(() => setImmediate(send)));
        req.flushHeaders();
      });
    },
    close() {
      for (const { agent } of origins.values()) agent.destroy();
      return Promise.resolve();
    },
  };
}
