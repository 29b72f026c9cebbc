// Paging of lists (src/api/paging.ts): pages of PAGE_SIZE asked for, or of what the server caps them
// to; the first page, then the remaining pages concurrently (PAGE_CONCURRENCY at a time) from
// total_count, limit and offset, in order; `next` followed when those are missing or
// odd; a `next` that loops is detected; a list that ends short of its total_count is an error, and so
// is one that never ends, or holds an object twice. Real HTTP on loopback, against the emulator or a
// scripted server; in-process, and the built CLI where the whole output matters.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { MAX_OBJECTS, PAGE_CONCURRENCY, PAGE_SIZE } from '../src/api/paging.js';
import { triggerCallPath, triggerPath, triggersPath } from '../src/api/paths.js';
import type { Trigger } from '../src/api/types.js';
import { ApiError } from '../src/errors.js';
import { emulatorEnv, runCli, spawnCli, tempHome } from './helpers/cli.js';
import { expectErrorLine, parseTable } from './helpers/expect.js';
import { WEB_DEMO } from './helpers/fixture.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { json, page, startFaultServer, type FaultServer } from './helpers/fault-server.js';
import { instrument } from './helpers/instrumented.js';

const SVC = WEB_DEMO;
const LIMIT = 8;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function client(url: string): ApiClient {
  const api = new ApiClient({
    host: `${url}/`,
    authorization: () => 'Basic ZGVtbzpkZW1vLWFwaWtleQ==',
    userAgent: 'trigger/test',
    timeoutMs: 10_000,
    tries: 1,
  });
  cleanups.push(() => api.close());
  return api;
}

/** An emulator serving `count` triggers of web, in pages of at most `maxPageSize` when given, whatever the client asks. */
async function emulatorWith(count: number, maxPageSize?: number): Promise<RunningEmulator> {
  const triggers = Array.from({ length: count }, (_, i) => ({ name: `hook-${i}` }));
  const emu = await startEmulator({ seed: [{ uuid: SVC, name: 'web', stack: null, triggers }], maxPageSize });
  cleanups.push(() => emu.close());
  return emu;
}

describe('listAll with total_count: concurrent pages, in order', () => {
  it(`returns all 10,000 triggers of a service exactly once, in server order, in pages of ${PAGE_SIZE}, at most ${PAGE_CONCURRENCY} at a time`, async () => {
    const emu = await emulatorWith(10_000);
    const expected = emu.store.state.services[0].triggers.map((t) => t.uuid);
    const probe = instrument(emu.server);

    const triggers = await client(emu.url).allTriggers(SVC);

    const uuids = triggers.map((t) => t.uuid);
    expect(uuids.length).toBe(10_000);
    expect(new Set(uuids).size).toBe(10_000);
    expect(uuids).toEqual(expected);
    // one request per page: no page fetched twice, none skipped
    expect(probe.requests.length).toBe(10_000 / PAGE_SIZE);
    expect(new Set(probe.requests.map((q) => q.url.searchParams.get('limit')))).toEqual(new Set([String(PAGE_SIZE)]));
    const offsets = probe.requests.slice(1).map((q) => Number(q.url.searchParams.get('offset')));
    expect(new Set(offsets).size).toBe(10_000 / PAGE_SIZE - 1);
    expect(probe.maxInFlight()).toBeGreaterThan(1);
    expect(probe.maxInFlight()).toBeLessThanOrEqual(PAGE_CONCURRENCY);
    // keep-alive: connections are reused, never one per page
    expect(probe.connections()).toBeGreaterThan(1);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });

  it('triggerPages hands over the list page by page, in server order, each object once, in the pages of a server that serves 25 at most', async () => {
    const emu = await emulatorWith(1_000, 25);
    const expected = emu.store.state.services[0].triggers.map((t) => `${t.name}:${t.uuid}`);
    const sizes: number[] = [];
    const seen: string[] = [];

    for await (const page of client(emu.url).triggerPages(SVC)) {
      sizes.push(page.length);
      for (const t of page) seen.push(`${t.name}:${t.uuid}`);
    }

    expect(seen).toEqual(expected);
    expect(sizes).toEqual(Array(40).fill(25));
  });

  it('the built binary prints a 10,000-row table whole through a pipe before it exits', async () => {
    const emu = await emulatorWith(10_000);
    const expected = emu.store.state.services[0].triggers.map((t) => t.uuid.slice(0, 8));

    const r = await spawnCli(['list', 'web'], emulatorEnv(emu.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^UUID +NAME +OPERATION +URL$/);
    expect(lines.slice(1, -1).map((l) => l.split(' ')[0])).toEqual(expected);
    expect(lines.at(-1)).toBe('');
    // Every line has its columns where the header has them.
    const columns = (l: string): number[] => [...l.matchAll(/(?<=^| {3})\S/g)].map((m) => m.index);
    const header = columns(lines[0]);
    expect(lines.slice(1, -1).filter((l) => columns(l).join() !== header.join())).toEqual([]);
  });

  it('`trigger list <service> -q` prints every UUID once, in server order', async () => {
    const emu = await emulatorWith(10_000);
    const expected = emu.store.state.services[0].triggers.map((t) => t.uuid);
    const probe = instrument(emu.server);

    const r = await runCli(['list', 'web', '-q'], emulatorEnv(emu.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(expected);
    expect(probe.maxInFlight()).toBeGreaterThan(1);
    expect(probe.maxInFlight()).toBeLessThanOrEqual(PAGE_CONCURRENCY);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });

  it('`trigger list` of every service: all triggers in service then server order, still at most 8 requests at once', async () => {
    const seed = Array.from({ length: 12 }, (_, s) => ({
      name: `svc-${s}`,
      stack: null,
      triggers: Array.from({ length: 200 }, (_, i) => ({ name: `hook-${s}-${i}` })),
    }));
    const emu = await startEmulator({ seed, maxPageSize: 10 });
    cleanups.push(() => emu.close());
    const expected = emu.store.state.services.flatMap((s) => s.triggers.map((t) => t.uuid));
    const probe = instrument(emu.server);

    const r = await runCli(['list', '-q'], emulatorEnv(emu.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(expected);
    // the bound is on the requests to the API, not per service: 8 services × 8 pages would be 64 at once
    expect(probe.maxInFlight()).toBeGreaterThan(1);
    expect(probe.maxInFlight()).toBeLessThanOrEqual(LIMIT);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });

  it('a count that is not a multiple of the page size: the short last page is read, nothing more', async () => {
    const emu = await emulatorWith(1_013, 10);
    const expected = emu.store.state.services[0].triggers.map((t) => t.uuid);
    const probe = instrument(emu.server);

    const triggers = await client(emu.url).allTriggers(SVC);

    expect(triggers.map((t) => t.uuid)).toEqual(expected);
    expect(probe.requests.length).toBe(102);
  });

  it('follows every page: 130 triggers with page size 25 are all listed, in order', async () => {
    const triggers = Array.from({ length: 130 }, (_, i) => ({
      uuid: `${(0x10000000 + i).toString(16)}-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `hook-${String(i).padStart(3, '0')}`,
      operation: i % 2 ? 'SCALEUP' : 'REDEPLOY',
    }));
    const emu = await startEmulator({ seed: [{ uuid: SVC, name: 'big', triggers }], maxPageSize: 25 });
    cleanups.push(() => emu.close());
    const seen: string[] = [];
    emu.server.on('request', (req) => seen.push(req.url ?? ''));
    const r = await spawnCli(['list', 'big', '--no-trunc'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseTable(r.stdout);
    expect(rows.map((row) => row[0])).toEqual(triggers.map((t) => t.uuid));
    expect(rows.map((row) => row[1])).toEqual(triggers.map((t) => t.name));
    expect(rows.map((row) => row[2])).toEqual(triggers.map((t) => t.operation));
    const pages = seen.filter((url) => url.startsWith(`/api/app/v1/service/${SVC}/trigger/`));
    expect(pages.length).toBeGreaterThanOrEqual(6);
  });
});

// --- a server whose pages carry no total_count, only `next` ---

function trigger(i: number): Trigger {
  const uuid = `${(0x20000000 + i).toString(16)}-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return { uuid, name: `hook-${i}`, operation: 'REDEPLOY', url: triggerCallPath(SVC, uuid), resource_uri: triggerPath(SVC, uuid) };
}

/** What a scripted server was sent, as `METHOD target` lines. */
const sent = (srv: FaultServer): string[] => srv.requests.map((q) => `${q.method} ${q.url}`);

async function scripted(): Promise<FaultServer> {
  const srv = await startFaultServer();
  cleanups.push(() => srv.close());
  return srv;
}

/**
 * Serves the pages of `pages` by cursor: the first page at the list path without a query, page n
 * at `?cursor=c<n>`. Each page's `next` is `nextOf(n)` (a cursor number, or null). No total_count,
 * and any request by offset is refused, so only following `next` can work.
 */
async function pageServer(pages: Trigger[][], nextOf: (n: number) => number | null): Promise<FaultServer> {
  const path = triggersPath(SVC);
  const srv = await scripted();
  srv.route('GET', path, (req, res, seen) => {
    const url = new URL(seen.url, 'http://x');
    if (url.searchParams.has('offset')) return json(400, { error: `unexpected request ${seen.url}` })(req, res, seen);
    const cursor = url.searchParams.get('cursor');
    const n = cursor === null ? 0 : Number(cursor.slice(1));
    if (!(n >= 0 && n < pages.length)) return json(404, { error: 'Not found' })(req, res, seen);
    const next = nextOf(n);
    const meta = { limit: 25, offset: 0, next: next === null ? null : `${path}?cursor=c${next}`, previous: null };
    return json(200, { meta, objects: pages[n] })(req, res, seen);
  });
  return srv;
}

function pagesOf(count: number, size: number): Trigger[][] {
  const all = Array.from({ length: count }, (_, i) => trigger(i));
  const pages: Trigger[][] = [];
  for (let i = 0; i < all.length; i += size) pages.push(all.slice(i, i + size));
  return pages;
}

describe('listAll without total_count: follows `next`', () => {
  it('returns all objects in order by following `next` page by page', async () => {
    const pages = pagesOf(70, 25);
    const srv = await pageServer(pages, (n) => (n + 1 < pages.length ? n + 1 : null));

    const triggers = await client(srv.url).allTriggers(SVC);

    expect(triggers.map((t) => t.uuid)).toEqual(pages.flat().map((t) => t.uuid));
    const path = triggersPath(SVC);
    expect(sent(srv)).toEqual([`GET ${path}?limit=${PAGE_SIZE}`, `GET ${path}?cursor=c1`, `GET ${path}?cursor=c2`]);
  });

  it('triggerPages hands over the pages as they come, in order, on this path too', async () => {
    const pages = pagesOf(70, 25);
    const srv = await pageServer(pages, (n) => (n + 1 < pages.length ? n + 1 : null));
    const handed: string[][] = [];

    for await (const page of client(srv.url).triggerPages(SVC)) handed.push(page.map((t) => t.uuid));

    expect(handed).toEqual(pages.map((p) => p.map((t) => t.uuid)));
  });

  it('`trigger list <uuid> -q` prints them all in order', async () => {
    const pages = pagesOf(60, 25);
    const srv = await pageServer(pages, (n) => (n + 1 < pages.length ? n + 1 : null));

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(pages.flat().map((t) => t.uuid));
    expect(srv.requests.length).toBe(3);
  });

  it('a `next` that comes back to a page already read is an error after a bounded number of requests', async () => {
    const pages = pagesOf(75, 25);
    // c0 → c1 → c2 → c1 → …
    const srv = await pageServer(pages, (n) => (n === 2 ? 1 : n + 1));

    const err = await client(srv.url)
      .allTriggers(SVC)
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/pages do not end/);
    expect(srv.requests.length).toBeLessThanOrEqual(4);
  });

  it('a `next` that points at itself makes `trigger list` fail instead of hanging', async () => {
    const pages = pagesOf(50, 25);
    // c0 → c1 → c1 → …
    const srv = await pageServer(pages, () => 1);

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: .*pages do not end/);
    expect(srv.requests.length).toBeLessThanOrEqual(4);
  });

  it('a loop back to the first page is detected too', async () => {
    const pages = pagesOf(50, 25);
    // c0 → c1 → c0 → …
    const srv = await pageServer(pages, (n) => (n === 0 ? 1 : 0));

    const err = await client(srv.url)
      .allTriggers(SVC)
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/pages do not end/);
    expect(srv.requests.length).toBeLessThanOrEqual(5);
  });

  it('follows meta.next when the API gives no total_count; a looping next is an API failure (exit 1)', async () => {
    const all = Array.from({ length: 7 }, (_, i) => {
      const uuid = `7000000${i}-0000-4000-8000-000000000000`;
      return { uuid, name: `p${i}`, operation: 'REDEPLOY', url: triggerCallPath(SVC, uuid), resource_uri: `/x/${uuid}/` };
    });
    /** Pages of three, by offset, with no total_count; a looping server's `next` always says offset 3. */
    async function pagingServer(loop: boolean): Promise<string> {
      const srv = await scripted();
      srv.route('GET', triggersPath(SVC), (req, res, seen) => {
        const url = new URL(seen.url, 'http://x');
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const nextOffset = loop ? 3 : offset + 3;
        const next = nextOffset < all.length ? `${url.pathname}?offset=${nextOffset}` : null;
        return json(200, { meta: { limit: 3, offset, next, previous: null }, objects: all.slice(offset, offset + 3) })(req, res, seen);
      });
      return `${srv.url}/`;
    }
    const good = await pagingServer(false);
    const looping = await pagingServer(true);
    const env = { ...tempHome(), DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'k' };
    const r = await runCli(['list', SVC, '-q', '--host', good], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 7 }, (_, i) => `7000000${i}-0000-4000-8000-000000000000`));
    const bad = await runCli(['list', SVC, '-q', '--host', looping], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expectErrorLine(bad);
  });
});

// --- a server whose paging metadata is odd ---

/**
 * Serves `count` triggers by limit and offset like the API, in pages of 25 at most (a larger limit is
 * capped), `next` included while more remain; `odd` then changes each page (its meta, or its
 * objects) before it is sent.
 */
type Page = { meta: Record<string, unknown>; objects: Trigger[] };

async function oddServer(count: number, odd: (page: Page, offset: number) => void): Promise<FaultServer> {
  const path = triggersPath(SVC);
  const all = Array.from({ length: count }, (_, i) => trigger(i));
  const srv = await scripted();
  srv.route('GET', path, (req, res, seen) => {
    const url = new URL(seen.url, 'http://x');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 25);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const next = offset + limit < count ? `${path}?limit=${limit}&offset=${offset + limit}` : null;
    const page: Page = { meta: { limit, offset, next, previous: null, total_count: count }, objects: all.slice(offset, offset + limit) };
    odd(page, offset);
    return json(200, page)(req, res, seen);
  });
  return srv;
}

/** The offset each request asked for, as sent ('' when there is none). */
const offsets = (srv: FaultServer): string[] => srv.requests.map((q) => new URL(q.url, 'http://x').searchParams.get('offset') ?? '');

const ALL_100 = Array.from({ length: 100 }, (_, i) => trigger(i).uuid);

describe('odd paging metadata: the whole list, or exit 1, never a short list with exit 0', () => {
  const followable: [string, (meta: Record<string, unknown>) => void][] = [
    ['meta.offset missing', (m) => delete m.offset],
    ['meta.offset null', (m) => (m.offset = null)],
    ['meta.offset a string ("0", "25", …)', (m) => (m.offset = String(m.offset))],
    ['meta.total_count negative', (m) => (m.total_count = -5)],
    ['meta.total_count a string', (m) => (m.total_count = String(m.total_count))],
    ['meta.total_count not whole', (m) => (m.total_count = 99.5)],
    ['meta.total_count missing', (m) => delete m.total_count],
    ['meta.limit missing', (m) => delete m.limit],
    ['meta.limit 0', (m) => (m.limit = 0)],
    ['meta.limit a string', (m) => (m.limit = String(m.limit))],
  ];

  it.each(followable)('%s: `next` is followed to the end; every object once, in order, exit 0', async (_what, odd) => {
    const srv = await oddServer(100, ({ meta }) => odd(meta));

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(ALL_100);
    // Offsets the client builds are whole numbers it has checked, never text glued together.
    expect(offsets(srv).filter((o) => !/^(|0|[1-9]\d*)$/.test(o))).toEqual([]);
  });

  it('meta.offset missing, with the built binary: 100 of 100 triggers, not the first page alone', async () => {
    const srv = await oddServer(100, ({ meta }) => delete meta.offset);

    const r = await spawnCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(ALL_100);
  });

  it('a total_count beyond the last page: exit 1 naming the first page that came back short', async () => {
    const srv = await oddServer(100, ({ meta }) => (meta.total_count = 150));

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      `Error: the page at offset 100 of ${srv.url}${triggersPath(SVC)} holds 0 objects where 25 were expected`,
    );
  });

  it('no `next` on a short first page that claims more: exit 1, not the page alone', async () => {
    const srv = await oddServer(100, (page) => {
      page.meta.next = null;
      page.objects = page.objects.slice(0, 10);
    });

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: the list at \S+ ended after 10 of the 100 objects its meta.total_count announced\n/);
    expect(srv.requests).toHaveLength(1);
  });

  it('a page fetched by offset that holds fewer objects than it should: exit 1 naming the offset', async () => {
    const srv = await oddServer(100, (page, offset) => {
      if (offset === 50) page.objects = page.objects.slice(5);
    });

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: the page at offset 50 of \S+ holds 20 objects where 25 were expected\n/);
  });

  it.each(['offset', 'next'] as const)(
    'a later page (by %s) that counts the list differently from the first: exit 1, the list changed while it was read',
    async (by) => {
      const srv = await oddServer(100, (page, offset) => {
        // An offset that cannot be used has `next` followed.
        if (by === 'next') page.meta.offset = String(offset);
        if (offset === 50) page.meta.total_count = 120;
      });

      const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

      const list = `${srv.url}${triggersPath(SVC)}`;
      const pageName = by === 'offset' ? 'the page at offset 50' : `the page ${list}?limit=25&offset=50`;
      expect(r.stderr.split('\n')[0]).toBe(`Error: ${pageName} of ${list} counts 120 objects in the list where its first page counted 100`);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    },
  );

  it('a list followed by `next` that ends before its total_count: exit 1', async () => {
    // offset unusable, so `next` is followed; the server's pages stop at 75 of the 100 it announces.
    const srv = await oddServer(100, (page, offset) => {
      page.meta.offset = String(offset);
      if (offset === 50) page.meta.next = null;
    });

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(srv.url));

    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: the list at \S+ ended after 75 of the 100 objects/);
  });
});

// --- lists a server makes endless or repeats ---

describe('a list is bounded and holds each object once (built binary)', () => {
  const path = triggersPath(SVC);
  /** The i-th object of an endless list: a uuid alone is all a page needs. */
  const nth = (i: number): { uuid: string } => ({
    uuid: `${(0x30000000 + i).toString(16)}-0000-4000-8000-${String(i % 1e12).padStart(12, '0')}`,
  });

  async function hostile(): Promise<FaultServer> {
    const h = await startFaultServer();
    cleanups.push(() => h.close());
    return h;
  }

  it(`pages of 1,000 objects whose meta.next never ends: exit 1 past ${MAX_OBJECTS} objects, not an out-of-memory`, async () => {
    const h = await hostile();
    h.route('GET', path, (req, res) => {
      const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? 0);
      const objects = Array.from({ length: 1000 }, (_, i) => nth(page * 1000 + i));
      const body = JSON.stringify({ meta: { limit: 1000, offset: 0, next: `${path}?page=${page + 1}` }, objects });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });

    const r = await spawnCli(['list', SVC, '-q'], emulatorEnv(h.url));

    expect(r.stderr).toBe(`Error: the list at ${h.url}${path} goes on past ${MAX_OBJECTS} objects, more than any list may hold; stopped\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(h.requests).toHaveLength(MAX_OBJECTS / 1000 + 1);
  });

  it(`a total_count over ${MAX_OBJECTS} is refused after the first page, before any other is asked for`, async () => {
    const h = await hostile();
    const total = MAX_OBJECTS + 1;
    h.route('GET', path, (req, res) => {
      const offset = Number(new URL(req.url!, 'http://x').searchParams.get('offset') ?? 0);
      const objects = Array.from({ length: 1000 }, (_, i) => nth(offset + i));
      const body = JSON.stringify({
        meta: { limit: 1000, offset, next: `${path}?limit=1000&offset=${offset + 1000}`, total_count: total },
        objects,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });

    const r = await spawnCli(['list', SVC, '-q'], emulatorEnv(h.url));

    expect(r.stderr).toBe(
      `Error: the API claims ${total} objects at ${h.url}${path}, more than the ${MAX_OBJECTS} any list may hold; stopped\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(h.requests).toHaveLength(1);
  });

  it.each([1e20, 2 ** 53 + 2])('a total_count too large to count exactly (%d) is refused too, after the first page', async (total) => {
    const h = await hostile();
    h.route('GET', path, json(200, page([nth(0)], { limit: 1, next: `${path}?limit=1&offset=1`, total_count: total })));

    const r = await runCli(['list', SVC, '-q'], emulatorEnv(h.url));

    expect(r.stderr).toBe(
      `Error: the API claims ${total} objects at ${h.url}${path}, more than the ${MAX_OBJECTS} any list may hold; stopped\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(h.requests).toHaveLength(1);
  });

  it('the same 25 triggers on every page, total_count 100, by offset or by `next`: exit 1 naming the list, never 100 rows', async () => {
    const same = Array.from({ length: 25 }, (_, i) => trigger(i));
    for (const meta of [{ total_count: 100 }, { offset: 'x' }]) {
      const h = await hostile();
      h.route('GET', path, (req, res) => {
        const offset = Number(new URL(req.url!, 'http://x').searchParams.get('offset') ?? 0);
        const next = offset + 25 < 100 ? `${path}?limit=25&offset=${offset + 25}` : null;
        const body = JSON.stringify({ meta: { limit: 25, offset, next, total_count: 100, ...meta }, objects: same });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });

      const r = await spawnCli(['list', SVC, '-q'], emulatorEnv(h.url));

      expect(r.stderr.split('\n')[0], JSON.stringify(meta)).toBe(
        `Error: the list at ${h.url}${path} is malformed: it holds an object twice (the same uuid)`,
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    }
  });
});

// --- a page after the first that is not found ---

describe('a page after the first that answers 404: the list ended short, exit 1, never a list without it', () => {
  const S1 = '5e000001-0000-4000-8000-000000000001';
  const S2 = '5e000002-0000-4000-8000-000000000002';
  const service = (uuid: string, name: string): Record<string, unknown> => ({
    uuid,
    name,
    stack: null,
    resource_uri: `/api/app/v1/service/${uuid}/`,
  });
  const hook = (s: string, i: number): Trigger => {
    const uuid = `${s.slice(0, 8)}-0000-4000-8000-${String(i).padStart(12, '0')}`;
    return { uuid, name: `hook-${i}`, operation: 'REDEPLOY', url: triggerCallPath(s, uuid), resource_uri: triggerPath(s, uuid) };
  };

  /** Two services; S1 has four triggers in pages of two, its second page (by offset, or by `next`) answers 404. */
  async function server(by: 'offset' | 'next'): Promise<FaultServer> {
    const srv = await scripted();
    srv.route('GET', '/api/app/v1/service/', json(200, page([service(S1, 'one'), service(S2, 'two')])));
    srv.route('GET', triggersPath(S1), (req, res, seen) => {
      const later = new URL(seen.url, 'http://x').searchParams.has(by === 'offset' ? 'offset' : 'cursor');
      if (later) return json(404, { error: 'Not found' })(req, res, seen);
      const meta =
        by === 'offset'
          ? { limit: 2, total_count: 4, next: `${triggersPath(S1)}?limit=2&offset=2` }
          : { limit: 0, total_count: 4, next: `${triggersPath(S1)}?cursor=2` };
      return json(200, page([hook(S1, 0), hook(S1, 1)], meta))(req, res, seen);
    });
    srv.route('GET', triggersPath(S2), json(200, page([hook(S2, 0)])));
    return srv;
  }

  it.each(['offset', 'next'] as const)(
    'found by %s: `list <service>` and `list` of every service exit 1 naming the page and the list',
    async (by) => {
      const srv = await server(by);
      const pageName = by === 'offset' ? 'the page at offset 2' : `the page ${srv.url}${triggersPath(S1)}?cursor=2`;
      const line = `Error: ${pageName} of ${srv.url}${triggersPath(S1)} was not found (HTTP 404): the list ended short`;
      for (const args of [['list', S1, '-q'], ['list', '-q'], ['list']]) {
        const r = await runCli(args, emulatorEnv(srv.url));
        expect(r.stderr.split('\n')[0], args.join(' ')).toBe(line);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stdout, args.join(' ')).toBe('');
      }
    },
  );

  it('`trigger services` counting the triggers of a service page by page (no total_count on its one-trigger page): exit 1, not the service left out', async () => {
    const srv = await scripted();
    srv.route('GET', '/api/app/v1/service/', json(200, page([service(S1, 'one'), service(S2, 'two')])));
    srv.route('GET', triggersPath(S1), (req, res, seen) => {
      const q = new URL(seen.url, 'http://x').searchParams;
      if (q.has('offset')) return json(404, { error: 'Not found' })(req, res, seen);
      const meta =
        q.get('limit') === '1'
          ? { limit: 1, total_count: null, next: null }
          : { limit: 2, total_count: 4, next: `${triggersPath(S1)}?limit=2&offset=2` };
      return json(200, page([hook(S1, 0), hook(S1, 1)].slice(0, q.get('limit') === '1' ? 1 : 2), meta))(req, res, seen);
    });
    srv.route('GET', triggersPath(S2), json(200, page([hook(S2, 0)])));

    const r = await runCli(['services'], emulatorEnv(srv.url));

    expect(r.stderr.split('\n')[0]).toBe(
      `Error: the page at offset 2 of ${srv.url}${triggersPath(S1)} was not found (HTTP 404): the list ended short`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
