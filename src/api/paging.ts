// Every object of a list, from its first page on. A list never ends short without an error.
//
// A list is asked for in pages of PAGE_SIZE unless the caller names a `limit`; the server may apply a
// smaller one. The first page's meta says how to go on. When `limit`, `offset` and `total_count` are
// whole numbers that agree with the page, the remaining pages are fetched by offset, PAGE_CONCURRENCY
// at a time, in order. Else `next` is followed page by page. When `total_count` is a whole number, a
// later page must count the list alike, and when the last page is read that many objects must have
// come. A later page that is not found cuts the list short. A list holds each UUID once, and at most
// MAX_OBJECTS objects.
import { ApiError, NotFoundError } from '../errors.js';
import { inOrder } from '../concurrency.js';
import { maskUrl } from './mask.js';
import type { ListPage } from './types.js';

export type Query = Record<string, string | number | undefined>;

/**
 * Four times the API's default page (25): a 10,000-trigger list takes 100 requests rather than 400,
 * which were most of its time. Pages are fetched 4 at a time rather than 8: as fast, and fewer objects
 * wait in memory for the pages before theirs.
 */
export const PAGE_SIZE = 100;
export const PAGE_CONCURRENCY = 4;
const MAX_PAGES = 100_000;
/** Far beyond any real list: a server whose pages never end is stopped here, long before memory runs out. */
export const MAX_OBJECTS = 200_000;

/** What paging needs of the client. */
export interface PageReader {
  getPage<T>(path: string, query?: Query): Promise<ListPage<T>>;
  url(path: string, query?: Query): URL;
}

interface Meta {
  limit?: number;
  offset?: number;
  total?: number;
  /** Values of the first page's meta that are there but cannot be used. */
  flaws: string[];
}

function readMeta(meta: Record<string, unknown>): Meta {
  const flaws: string[] = [];
  const count = (key: string): number | undefined => {
    const value = meta[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    if (value !== undefined && value !== null) flaws.push(`meta.${key} is ${shown(value)}, not a count`);
    return undefined;
  };
  return { limit: count('limit'), offset: count('offset'), total: count('total_count'), flaws };
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 20));
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return JSON.stringify(value);
}

/**
 * The pages of a list, in order, as their objects arrive: a long list is never held whole here. The
 * last page read, the list is checked to have been whole.
 */
export async function* pages<T>(api: PageReader, path: string, asked: Query = {}): AsyncGenerator<T[]> {
  const query = { limit: PAGE_SIZE, ...asked };
  const first = await api.getPage<T>(path, query);
  const firstUrl = api.url(path, query).href;
  // The list is named as the caller asked for it, without the page size added here.
  const where = maskUrl(api.url(path, asked).href);
  const meta = readMeta(first.meta as unknown as Record<string, unknown>);
  // A claim too large to count exactly (1e20) is a claim of too many all the same.
  const claimed: unknown = first.meta.total_count;
  if (typeof claimed === 'number' && claimed > MAX_OBJECTS) {
    throw new ApiError(`the API claims ${claimed} objects at ${where}, more than the ${MAX_OBJECTS} any list may hold; stopped`);
  }
  const list = new Checked(where);
  yield list.add(first.objects);
  if (first.meta.next !== null) {
    const { limit, offset, total } = meta;
    const rest =
      limit && offset === 0 && total !== undefined && first.objects.length === Math.min(limit, total)
        ? byOffset<T>(api, path, query, { limit, total, where })
        : byNext<T>(api, { first: firstUrl, where, total: meta.total }, first.meta.next, meta.flaws);
    for await (const objects of rest) yield list.add(objects);
  }
  if (meta.total !== undefined && list.count < meta.total) {
    throw new ApiError(
      `the list at ${where} ended after ${list.count} of the ${meta.total} objects its meta.total_count announced`,
      undefined,
      'It may have changed while it was read; run the command again.',
    );
  }
}

/** The objects of a list as they come, counted and each UUID remembered: none may come twice, nor more than MAX_OBJECTS. */
class Checked {
  private readonly uuids = new Set<string>();
  constructor(private readonly where: string) {}

  get count(): number {
    return this.uuids.size;
  }

  add<T>(objects: T[]): T[] {
    if (this.uuids.size + objects.length > MAX_OBJECTS) {
      throw new ApiError(`the list at ${this.where} goes on past ${MAX_OBJECTS} objects, more than any list may hold; stopped`);
    }
    for (const o of objects) {
      // checkPage has made sure each object has a UUID.
      const uuid = (o as { uuid: string }).uuid.toLowerCase();
      if (this.uuids.has(uuid)) {
        throw new ApiError(
          `the list at ${this.where} is malformed: it holds an object twice (the same uuid)`,
          undefined,
          'It may have changed while it was read; run the command again.',
        );
      }
      this.uuids.add(uuid);
    }
    return objects;
  }
}

/** Every object of a list. */
export async function allObjects<T>(api: PageReader, path: string, query: Query = {}): Promise<T[]> {
  const all: T[] = [];
  for await (const objects of pages<T>(api, path, query)) for (const o of objects) all.push(o);
  return all;
}

/**
 * A page after the first (`page` names it), read for the list `where` names whose first page counted
 * `total` objects. Not found (404), it is not the list that is missing but part of it: callers that
 * take a 404 for "gone" (a service removed while the services were listed) must not take a list cut
 * short for one. Counting the list differently from the first page, it says the list changed while
 * it was read, and what the first page announced is no longer the whole of it.
 */
async function laterPage<T>(
  read: Promise<ListPage<T>>,
  page: string,
  { where, total }: { where: string; total?: number },
): Promise<ListPage<T>> {
  const found = await read.catch((err: unknown) => {
    if (!(err instanceof NotFoundError)) throw err;
    throw new ApiError(
      `${page} of ${where} was not found (HTTP 404): the list ended short`,
      404,
      'The list may have changed while it was read; run the command again.',
    );
  });
  const now: unknown = found.meta.total_count;
  if (total !== undefined && typeof now === 'number' && now !== total) {
    throw new ApiError(
      `${page} of ${where} counts ${now} objects in the list where its first page counted ${total}`,
      undefined,
      'The list changed while it was read; run the command again.',
    );
  }
  return found;
}

/** The pages after the first, by offset, PAGE_CONCURRENCY at a time, in order. */
function byOffset<T>(
  api: PageReader,
  path: string,
  query: Query,
  { limit, total, where }: { limit: number; total: number; where: string },
): AsyncGenerator<T[]> {
  if (total / limit > MAX_PAGES) {
    throw new ApiError(`the API claims ${total} objects at ${where}, more than ${MAX_PAGES} pages; stopped`);
  }
  const offsets: number[] = [];
  for (let o = limit; o < total; o += limit) offsets.push(o);
  return inOrder(offsets, PAGE_CONCURRENCY, async (offset) => {
    const { objects } = await laterPage(api.getPage<T>(path, { ...query, limit, offset }), `the page at offset ${offset}`, {
      where,
      total,
    });
    const expected = Math.min(limit, total - offset);
    if (objects.length !== expected) {
      throw new ApiError(
        `the page at offset ${offset} of ${where} holds ${objects.length} objects where ${expected} were expected`,
        undefined,
        'The list may have changed while it was read; run the command again.',
      );
    }
    return objects;
  });
}

/** The pages after the first (read at `first`), by following meta.next. */
async function* byNext<T>(
  api: PageReader,
  { first, where, total }: { first: string; where: string; total: number | undefined },
  next: string | null,
  flaws: string[],
): AsyncGenerator<T[]> {
  // Why `next` is followed rather than offsets, when the first page's meta has values it should not.
  const hint = flaws.length > 0 ? `The first page's ${flaws.join(', and its ')}: its pages were followed by meta.next.` : undefined;
  const seen = new Set<string>([first]);
  while (next !== null) {
    if (seen.size >= MAX_PAGES) throw new ApiError(`the API's pages do not end: stopped after ${MAX_PAGES} pages`, undefined, hint);
    const url = api.url(next).href;
    seen.add(url);
    const page = await laterPage(api.getPage<T>(url), `the page ${maskUrl(url)}`, { where, total });
    next = page.meta.next;
    // A `next` back to a page already read leads round for ever: stopped before this page is handed over.
    const again = next === null ? undefined : api.url(next).href;
    if (again !== undefined && seen.has(again)) {
      throw new ApiError(
        `the API's pages do not end: ${maskUrl(again)} was reached twice; stopped after ${seen.size} pages`,
        undefined,
        hint,
      );
    }
    yield page.objects;
  }
}
