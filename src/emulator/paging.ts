// Lists as the API's list framework (Tastypie) serves them: filters from query parameters, then a page
// of `limit` objects from `offset`, with a `meta` block that links the pages before and after.
import type { ListPage } from '../api/types.js';
import { HttpError } from './http.js';

/** The largest page the emulator serves by default (Tastypie's max_limit). */
export const MAX_LIMIT = 1000;

/** How large a page is when its query names no `limit` (`size`), and the most it may hold (`max`). */
export interface PageSizes {
  size: number;
  max: number;
}

/** A query parameter's value; given more than once, its last, as Django's QueryDict gives it. */
export function param(q: URLSearchParams, name: string): string | undefined {
  return q.getAll(name).at(-1);
}

type Test<T> = (item: T) => boolean;

/** How one field of the listed objects can be filtered. */
export interface FieldFilter<T> {
  /** Its lookups (`exact`, `startswith`, `gte`...), each making a test from the parameter's value. */
  lookups: Record<string, (value: string) => Test<T>>;
  /** For a field that names another object: the test of a filter on that object's fields (`stack__name`). */
  related?: (bits: string[], value: string) => Test<T>;
}

/** What a list endpoint can filter on: every field of its objects, and the filters of some of them. */
export interface Filtering<T> {
  /** A query parameter that names none of these is no filter, and is left alone (`limit`, `format`). */
  fields: ReadonlySet<string>;
  filters: Record<string, FieldFilter<T>>;
}

/** Django's lookups: the last part of a parameter (`name__startswith`) that is one of these is the lookup. */
const QUERY_TERMS = new Set([
  ...['exact', 'iexact', 'contains', 'icontains', 'gt', 'gte', 'lt', 'lte', 'in', 'startswith', 'istartswith', 'endswith', 'iendswith'],
  ...['range', 'year', 'month', 'day', 'week_day', 'hour', 'minute', 'second', 'isnull', 'search', 'regex', 'iregex'],
]);

const invalid = (message: string): HttpError => new HttpError(400, message);

/** The test of the filter `bits` (a parameter split at `__`), or the 400 Tastypie gives for it. */
function resolve<T>(filtering: Filtering<T>, bits: string[], value: string): Test<T> {
  const [field, ...rest] = bits as [string, ...string[]];
  const explicit = rest.length > 0 && QUERY_TERMS.has(rest.at(-1)!);
  const lookup = explicit ? rest.pop()! : 'exact';
  const filter = filtering.filters[field];
  if (!filter) throw invalid(`The '${field}' field does not allow filtering.`);
  if (rest.length > 0 && filter.related) return filter.related(explicit ? [...rest, lookup] : rest, value);
  const make = filter.lookups[lookup];
  if (!make) throw invalid(`'${lookup}' is not an allowed filter on the '${field}' field.`);
  if (rest.length > 0) throw invalid(`The '${field}' field does not support relations.`);
  return make(value);
}

/** The filters of a field that names another object, `of` each item (or null): those of that object's own list. */
export function relatedTo<T, R>(of: (item: T) => R | null, filtering: Filtering<R>): FieldFilter<T>['related'] {
  return (bits, value) => {
    const test = resolve(filtering, bits, value);
    return (item) => {
      const other = of(item);
      return other !== null && test(other);
    };
  };
}

/**
 * The filters `q` gives, by parameter, as Tastypie reads them: a parameter that names a field of the
 * objects is a filter, or a 400 when the field or its lookup cannot be filtered; any other is left
 * alone. A parameter given twice counts with its last value.
 */
export function filtersOf<T>(q: URLSearchParams, filtering: Filtering<T>): Map<string, Test<T>> {
  const tests = new Map<string, Test<T>>();
  for (const name of new Set(q.keys())) {
    const bits = name.split('__');
    if (filtering.fields.has(bits[0])) tests.set(name, resolve(filtering, bits, param(q, name)!));
  }
  return tests;
}

/** The items that pass every test; the list itself when there is none. */
export function filterBy<T>(items: T[], tests: Iterable<Test<T>>): T[] {
  const all = [...tests];
  return all.length === 0 ? items : items.filter((item) => all.every((test) => test(item)));
}

export const UUID_FILTER: FieldFilter<{ uuid: string }> = {
  lookups: {
    exact: (v) => {
      const uuid = v.toLowerCase();
      return (x) => x.uuid === uuid;
    },
    startswith: (v) => {
      const prefix = v.toLowerCase();
      return (x) => x.uuid.startsWith(prefix);
    },
  },
};

export const NAME_FILTER: FieldFilter<{ name: string }> = { lookups: { exact: (v) => (x) => x.name === v } };

/**
 * The page of `items` that the query of `url` asks for; `basePath` is where its links point. A larger
 * `limit` than `sizes.max`, or `limit=0` (everything), gets `sizes.max` objects.
 */
export function page<T>(items: T[], url: URL, basePath: string, sizes: PageSizes): ListPage<T> {
  const int = (name: string, fallback: number): number => {
    const raw = param(url.searchParams, name);
    if (raw === undefined) return fallback;
    // An empty value is no number either (Tastypie's int('') fails); past 2^53, numbers are no longer exact.
    const n = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n)) throw new HttpError(400, `${name} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
    return n;
  };
  const asked = int('limit', sizes.size);
  const limit = asked === 0 || asked > sizes.max ? sizes.max : asked;
  const offset = int('offset', 0);
  const link = (o: number): string => {
    const q = new URLSearchParams(url.searchParams);
    q.set('limit', String(limit));
    q.set('offset', String(o));
    return `${basePath}?${q.toString()}`;
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
