// HTTP plumbing of the emulator: error answers, JSON answers, and request bodies read within limits.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not found');

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  maxBody: number;
  /**
   * Largest refused body read through (and thrown away) before the 413 is sent. A client is then
   * done sending when the answer comes, and reads it, rather than a connection reset under its
   * upload. A body known to be larger is refused at once, and its connection closed.
   */
  maxDrain: number;
}

/** The refusal of a body over the limit; `close` when the rest of it will not be read. */
export function tooLarge(limits: BodyLimits, close: boolean): HttpError {
  return new HttpError(413, `Request body larger than ${limits.maxBody} bytes`, close ? { connection: 'close' } : {});
}

/** The length the request's headers declare for its body (0 when they declare none). */
export const declaredLength = (req: IncomingMessage): number => Number(req.headers['content-length'] ?? 0);

/** The request's body as text; a body over the limit is refused with 413. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  return new Promise((resolve, reject) => {
    if (declaredLength(req) > limits.maxDrain) return reject(tooLarge(limits, true));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxDrain) {
        req.removeAllListeners('data');
        reject(tooLarge(limits, true));
      } else if (size > limits.maxBody) {
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => (size > limits.maxBody ? reject(tooLarge(limits, false)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** The request's body as a JSON object; an empty body is an empty object. */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<Record<string, unknown>> {
  const text = await readBody(req, limits);
  if (text.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'Content-Type must be application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(415, 'Request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
