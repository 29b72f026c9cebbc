// Every object of a list. After the first page, the remaining pages are fetched concurrently from
// total_count, limit and offset, in order; without total_count, `next` is followed.
import { ApiError } from '../errors.js';
import { CONCURRENCY, mapLimit } from '../concurrency.js';
import { maskUrl } from './mask.js';
import type { ListPage } from './types.js';

export type Query = Record<string, string | number | undefined>;

const MAX_PAGES = 100_000;

/** What paging needs of the client. */
export interface PageReader {
  getPage<T>(path: string, query?: Query): Promise<ListPage<T>>;
  url(path: string, query?: Query): URL;
}

/** `keep` makes what is held of each object as its page arrives, so that a long list is not held whole. */
export async function allObjects<T, R>(api: PageReader, path: string, query: Query, keep: (o: T) => R): Promise<R[]> {
  const first = await api.getPage<T>(path, query);
  const objects = first.objects.map(keep);
  const { limit, total_count: total } = first.meta;
  if (first.meta.next === null) return objects;
  if (Number.isInteger(total) && Number.isInteger(limit) && limit > 0 && first.objects.length === limit) {
    if (total < 0 || (total - first.meta.offset) / limit > MAX_PAGES) {
      throw new ApiError(`the API claims ${total} objects at ${maskUrl(api.url(path).href)}, more than ${MAX_PAGES} pages; stopped`);
    }
    const offsets: number[] = [];
    for (let o = first.meta.offset + limit; o < total; o += limit) offsets.push(o);
    const pages = await mapLimit(offsets, CONCURRENCY, async (offset) => (await api.getPage<T>(path, { ...query, limit, offset })).objects.map(keep));
    return objects.concat(...pages);
  }
  const seen = new Set<string>();
  let next: string | null = first.meta.next;
  while (next !== null) {
    const url: string = api.url(next).href;
    if (seen.has(url) || seen.size >= MAX_PAGES) {
      throw new ApiError(`the API's pages do not end: ${maskUrl(url)} was reached twice; stopped after ${seen.size + 1} pages`);
    }
    seen.add(url);
    const page: ListPage<T> = await api.getPage<T>(url);
    for (const o of page.objects) objects.push(keep(o));
    next = page.meta.next;
  }
  return objects;
}
