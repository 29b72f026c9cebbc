// Lists as the API's list framework (Tastypie) serves them: filters from query parameters, then a page
// of `limit` objects from `offset`, with a `meta` block that links the pages before and after.
import type { ListPage } from '../api/types.js';
import { HttpError } from './http.js';

/** The largest page; a larger `limit`, or `limit=0` (everything), gets this many. */
export const MAX_LIMIT = 1000;

/** A query parameter's value; given more than once, its last, as Django's QueryDict gives it. */
export function param(q: URLSearchParams, name: string): string | undefined {
  return q.getAll(name).at(-1);
}

/** The filters of a list endpoint, by query parameter; each makes a test from the parameter's value. */
export type Filters<T> = Record<string, (value: string) => (item: T) => boolean>;

export const UUID_FILTERS: Filters<{ uuid: string }> = {
  uuid: (v) => {
    const uuid = v.toLowerCase();
    return (x) => x.uuid === uuid;
  },
  uuid__startswith: (v) => {
    const prefix = v.toLowerCase();
    return (x) => x.uuid.startsWith(prefix);
  },
};

export const IDENTITY_FILTERS: Filters<{ uuid: string; name: string }> = {
  ...UUID_FILTERS,
  name: (v) => (x) => x.name === v,
};

/** The items that pass the test of every filter given in `q`; the list itself when none is. */
export function filterBy<T>(items: T[], q: URLSearchParams, filters: Filters<T>): T[] {
  const tests = Object.entries(filters)
    .filter(([name]) => q.has(name))
    .map(([name, make]) => make(q.get(name)!));
  return tests.length === 0 ? items : items.filter((item) => tests.every((test) => test(item)));
}

/** The page of `items` that the query of `url` asks for; `basePath` is where its links point. */
export function page<T>(items: T[], url: URL, basePath: string, defaultLimit: number): ListPage<T> {
  const int = (name: string, fallback: number): number => {
    const raw = param(url.searchParams, name);
    if (raw === undefined) return fallback;
    // An empty value is no number either (Tastypie's int('') fails); past 2^53, numbers are no longer exact.
    const n = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n)) throw new HttpError(400, `${name} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
    return n;
  };
  const asked = int('limit', defaultLimit);
  const limit = asked === 0 || asked > MAX_LIMIT ? MAX_LIMIT : asked;
  const offset = int('offset', 0);
  const link = (o: number): string => {
    const q = new URLSearchParams(url.searchParams);
    q.set('limit', String(limit));
    q.set('offset', String(o));
    return `${basePath}?${q}`;
  };
  return {
    meta: {
      limit,
      offset,
      next: offset + limit < items.length ? link(offset + limit) : null,
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      total_count: items.length,
    },
    objects: items.slice(offset, offset + limit),
  };
}
