// Every object of a list, from its first page on. A list never ends short without an error.
//
// The first page's meta says how to go on. When `limit`, `offset` and `total_count` are whole numbers
// that agree with the page, the remaining pages are fetched by offset, concurrently, in order. Else
// `next` is followed page by page. When the last page is read and `total_count` is a whole number,
// that many objects must have come.
import { ApiError } from '../errors.js';
import { CONCURRENCY, inOrder } from '../concurrency.js';
import { maskUrl } from './mask.js';
import type { ListPage } from './types.js';

export type Query = Record<string, string | number | undefined>;

const MAX_PAGES = 100_000;

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
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/**
 * The pages of a list, in order, as their objects arrive: a long list is never held whole here. The
 * last page read, the list is checked to have been whole.
 */
export async function* pages<T>(api: PageReader, path: string, query: Query = {}): AsyncGenerator<T[]> {
  const first = await api.getPage<T>(path, query);
  const where = maskUrl(api.url(path, query).href);
  const meta = readMeta(first.meta as unknown as Record<string, unknown>);
  let count = first.objects.length;
  yield first.objects;
  if (first.meta.next !== null) {
    const { limit, offset, total } = meta;
    const rest =
      limit && offset === 0 && total !== undefined && first.objects.length === Math.min(limit, total)
        ? byOffset<T>(api, path, query, { limit, total, where })
        : byNext<T>(api, first.meta.next, meta.flaws);
    for await (const objects of rest) {
      count += objects.length;
      yield objects;
    }
  }
  if (meta.total !== undefined && count < meta.total) {
    throw new ApiError(
      `the list at ${where} ended after ${count} of the ${meta.total} objects its meta.total_count announced`,
      undefined,
      'It may have changed while it was read; run the command again.',
    );
  }
}

/** Every object of a list. */
export async function allObjects<T>(api: PageReader, path: string, query: Query = {}): Promise<T[]> {
  const all: T[] = [];
  for await (const objects of pages<T>(api, path, query)) for (const o of objects) all.push(o);
  return all;
}

/** The pages after the first, by offset, CONCURRENCY at a time, in order. */
function byOffset<T>(api: PageReader, path: string, query: Query, { limit, total, where }: { limit: number; total: number; where: string }): AsyncGenerator<T[]> {
  if (total / limit > MAX_PAGES) {
    throw new ApiError(`the API claims ${total} objects at ${where}, more than ${MAX_PAGES} pages; stopped`);
  }
  const offsets: number[] = [];
  for (let o = limit; o < total; o += limit) offsets.push(o);
  return inOrder(offsets, CONCURRENCY, async (offset) => {
    const { objects } = await api.getPage<T>(path, { ...query, limit, offset });
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

/** The pages after the first, by following meta.next. */
async function* byNext<T>(api: PageReader, next: string | null, flaws: string[]): AsyncGenerator<T[]> {
  // Why `next` is followed rather than offsets, when the first page's meta has values it should not.
  const hint = flaws.length > 0 ? `The first page's ${flaws.join(', and its ')}: its pages were followed by meta.next.` : undefined;
  const seen = new Set<string>();
  while (next !== null) {
    const url = api.url(next).href;
    if (seen.has(url)) {
      const message = `the API's pages do not end: ${maskUrl(url)} was reached twice; stopped after ${seen.size + 1} pages`;
      throw new ApiError(message, undefined, hint);
    }
    if (seen.size >= MAX_PAGES) throw new ApiError(`the API's pages do not end: stopped after ${MAX_PAGES} pages`, undefined, hint);
    seen.add(url);
    const page = await api.getPage<T>(url);
    yield page.objects;
    next = page.meta.next;
  }
}
