// What the API answered, turned into values or typed errors: JSON parsed and held to the shape each
// endpoint promises, error statuses mapped to the CLI's error classes.
import { withoutControlChars } from '../io.js';
import { ApiError, AuthError, NotFoundError } from '../errors.js';
import { maskUrl } from './mask.js';
import { isUuid } from './paths.js';
import { ACTION_STATES, type Action, type ListPage } from './types.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  url: string;
}

/** Containers nested deeper than this make an answer unusable (printing it would overflow the stack). */
export const MAX_DEPTH = 256;

export function malformed(res: RawResponse, why: string): ApiError {
  return new ApiError(`unexpected answer from ${maskUrl(res.url)} (HTTP ${res.status}): ${why}`, res.status);
}

/** The body as JSON. `lenient` (a call's answer) takes an empty body as null and text that is not JSON as is. */
export function parseJson(res: RawResponse, lenient = false): unknown {
  if (res.text.trim() === '') {
    if (lenient) return null;
    throw malformed(res, 'the body is empty');
  }
  let value: unknown;
  try {
    value = JSON.parse(res.text);
  } catch {
    if (lenient) return res.text;
    throw malformed(res, `the body is not JSON (${contentType(res)})`);
  }
  if (deeperThan(value, MAX_DEPTH)) throw malformed(res, `nested deeper than ${MAX_DEPTH} levels`);
  return value;
}

/** The most of a value chosen by the server that a message repeats. */
const MAX_SHOWN = 60;

/** The media type of an answer, as a message may repeat it: the server chose it, so it is cut short. */
function contentType(res: RawResponse): string {
  const type = String(res.headers['content-type'] ?? 'no content type')
    .split(';')[0]
    .trim();
  return type.length > MAX_SHOWN ? `${type.slice(0, MAX_SHOWN)}…` : type;
}

/** Whether `value` holds objects or arrays nested more than `max` levels; level by level, not recursively. */
function deeperThan(value: unknown, max: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      if (depth === max) return true;
      for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') next.push(child);
    }
    level = next;
  }
  return false;
}

export function checkObject<T>(res: RawResponse): T {
  const value = parseJson(res) as { uuid?: unknown } | null;
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof value.uuid !== 'string' || !isUuid(value.uuid)) {
    throw malformed(res, 'expected an object with a uuid');
  }
  return value as T;
}

/** An action, whose `state` must be one the API documents: anything else could not say whether it has ended. */
export function checkAction(res: RawResponse): Action {
  const action = checkObject<Action>(res);
  const state: unknown = action.state;
  if (typeof state !== 'string' || !(ACTION_STATES as readonly string[]).includes(state)) {
    const what =
      state === undefined
        ? 'missing'
        : state === null
          ? 'null'
          : typeof state === 'string'
            ? JSON.stringify(state.slice(0, MAX_SHOWN))
            : Array.isArray(state)
              ? 'a list'
              : typeof state === 'object'
                ? 'an object'
                : `a ${typeof state}`;
    throw malformed(res, `the action's "state" is ${what}, not one of ${ACTION_STATES.join(', ')}`);
  }
  return action;
}

export function checkPage<T>(res: RawResponse): ListPage<T> {
  const value = parseJson(res) as Partial<ListPage<T>> | null;
  if (!value || typeof value !== 'object') throw malformed(res, 'expected a list');
  if (!value.meta || typeof value.meta !== 'object') throw malformed(res, '"meta" is missing');
  if (!Array.isArray(value.objects)) throw malformed(res, '"objects" is not an array');
  const uuids = value.objects.map((o) => (o && typeof o === 'object' ? (o as { uuid?: unknown }).uuid : undefined));
  if (uuids.some((u) => typeof u !== 'string')) throw malformed(res, 'an object has no uuid');
  if (uuids.some((u) => !isUuid(u as string))) throw malformed(res, "an object's uuid is not a UUID");
  const next = value.meta.next;
  if (next !== null && next !== undefined && typeof next !== 'string') throw malformed(res, '"meta.next" is not a path');
  return { meta: { ...value.meta, next: next ?? null }, objects: value.objects };
}

/** Where a redirect leads, or why it is not followed. */
export function redirectTarget(location: string | string[] | undefined, from: URL): URL | string {
  if (typeof location !== 'string') return 'without a Location';
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return 'to an address that is not a URL';
  }
  // The scheme is made of letters, digits, '+', '-' and '.' alone: safe to show.
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return `to a URL that is not http (${target.protocol}), which is never followed`;
  }
  return target;
}

/**
 * The error for an answer that is not 2xx. 401 and 403 are a refusal of the credentials, except for a
 * trigger call: it carries none, so its URL alone was refused.
 */
export function statusError(method: string, res: RawResponse, call: boolean): Error {
  let detail = '';
  try {
    const parsed = JSON.parse(res.text) as { error?: unknown; detail?: unknown };
    const text = parsed?.error ?? parsed?.detail;
    if (typeof text === 'string') detail = withoutControlChars(text, ' ').slice(0, 500);
  } catch {
    // not JSON: the status alone says it
  }
  const where = `${method} ${maskUrl(res.url)}`;
  const message = `${detail || statusText(res.status)} (HTTP ${res.status} from ${where})`;
  if ((res.status === 401 || res.status === 403) && call) {
    return new ApiError(
      `the API refused the trigger call: ${message}`,
      res.status,
      "A call carries no credentials: the trigger URL itself was refused (removed, replaced by 'trigger rotate', or mistyped).",
    );
  }
  if (res.status === 401 || res.status === 403) {
    return new AuthError(
      `the API refused the credentials: ${message}`,
      "Check DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY, or run 'trigger login'.",
    );
  }
  if (res.status === 404) return new NotFoundError(`not found: ${message}`);
  return new ApiError(message, res.status);
}

const STATUS_TEXTS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  402: 'Payment required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

function statusText(status: number): string {
  return STATUS_TEXTS[status] ?? `HTTP ${status}`;
}
