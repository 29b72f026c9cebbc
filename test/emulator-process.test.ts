// Tests of the built emulator as a process: `node bin/dockercloud-emulator.js` (run `npm run build` first).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basic } from './helpers/account.js';
import {
  cleanUpProcesses,
  EMULATOR_DIST,
  runEmulator as run,
  startEmulatorProcess as startProcess,
  tempDir,
} from './helpers/emulator-process.js';

afterEach(cleanUpProcesses);

beforeAll(() => {
  expect(existsSync(EMULATOR_DIST), `${EMULATOR_DIST} is missing: run \`npm run build\` before these tests`).toBe(true);
});

const DEFAULT_AUTH = basic('demo', 'demo-apikey');

async function getJson(url: string, auth = DEFAULT_AUTH): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { headers: { authorization: auth, accept: 'application/json' } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function postJson(url: string, body: unknown, auth: string | null = DEFAULT_AUTH): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('emulator process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints one listening line, serves requests and exits 0 on %s', async (signal) => {
    const emu = await startProcess();
    const port = Number(new URL(emu.url).port);
    expect(port).toBeGreaterThan(0);
    const res = await getJson(`${emu.url}/api/app/v1/service/`);
    expect(res.status).toBe(200);
    expect(res.json.objects.map((s: { name: string }) => s.name)).toEqual(['web', 'worker', 'redis']);
    const anon = await fetch(`${emu.url}/api/app/v1/service/`);
    expect(anon.status).toBe(401);
    await anon.body?.cancel();

    const exit = await emu.stop(signal);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(emu.stdout()).toBe(`listening on http://127.0.0.1:${port} (user demo, API key demo-apikey)\n`);
    expect(emu.stderr()).toBe('');
  });

  it('--user and --apikey change the accepted credentials', async () => {
    const emu = await startProcess(['--user', 'alice', '--apikey', 's3cret-key']);
    // Credentials of one's own are never printed.
    expect(emu.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:[0-9]+\n$/);
    expect((await getJson(`${emu.url}/api/app/v1/service/`, basic('alice', 's3cret-key'))).status).toBe(200);
    const old = await getJson(`${emu.url}/api/app/v1/service/`, DEFAULT_AUTH);
    expect(old.status).toBe(401);
    expect(old.json).toEqual({ error: expect.any(String) });
    expect((await getJson(`${emu.url}/api/app/v1/service/`, basic('alice', 'demo-apikey'))).status).toBe(401);
    expect((await getJson(`${emu.url}/api/app/v1/service/`, basic('demo', 's3cret-key'))).status).toBe(401);
  });

  it('--page-size changes the default page size', async () => {
    const emu = await startProcess(['--page-size', '2']);
    const first = await getJson(`${emu.url}/api/app/v1/service/`);
    expect(first.status).toBe(200);
    expect(first.json.meta).toMatchObject({ limit: 2, offset: 0, total_count: 3, previous: null });
    expect(first.json.objects).toHaveLength(2);
    expect(first.json.meta.next).not.toBeNull();
    const second = await getJson(`${emu.url}${first.json.meta.next}`);
    expect(second.json.objects.map((s: { name: string }) => s.name)).toEqual(['redis']);
    expect(second.json.meta.next).toBeNull();
    // An explicit limit still wins.
    expect((await getJson(`${emu.url}/api/app/v1/service/?limit=3`)).json.objects).toHaveLength(3);
  });

  it('--max-page-size caps every page: the default one, and one whose limit asks for more or for everything (0)', async () => {
    const emu = await startProcess(['--max-page-size', '2']);
    for (const query of ['', '?limit=3', '?limit=0']) {
      const page = await getJson(`${emu.url}/api/app/v1/service/${query}`);
      expect(page.status, query).toBe(200);
      expect(page.json.meta, query).toMatchObject({ limit: 2, offset: 0, total_count: 3 });
      expect(page.json.objects, query).toHaveLength(2);
      expect(page.json.meta.next, query).toContain('limit=2');
    }
  });

  it.each([
    { label: 'a JSON array', wrap: (s: unknown[]): unknown => s },
    { label: '{"services": [...]}', wrap: (s: unknown[]): unknown => ({ services: s }) },
  ])('--seed FILE uses the services of the seed file ($label)', async ({ wrap }) => {
    const dir = tempDir();
    const seedFile = join(dir, 'seed.json');
    writeFileSync(
      seedFile,
      JSON.stringify(
        wrap([
          {
            name: 'api',
            stack: 'shop',
            triggers: [
              { name: 'deploy', operation: 'REDEPLOY' },
              { name: 'grow', operation: 'SCALEUP' },
            ],
          },
          { name: 'cron' },
        ]),
      ),
    );
    const emu = await startProcess(['--seed', seedFile]);
    const list = await getJson(`${emu.url}/api/app/v1/service/`);
    expect(list.status).toBe(200);
    expect(list.json.objects.map((s: { name: string }) => s.name)).toEqual(['api', 'cron']);
    expect(list.json.meta.total_count).toBe(2);
    const [api, cron] = list.json.objects;
    expect(api.stack).toMatch(/^\/api\/app\/v1\/stack\/[0-9a-f-]{36}\/$/);
    expect(cron.stack).toBeNull();
    const byStack = await getJson(`${emu.url}/api/app/v1/service/?name=api&stack__name=shop`);
    expect(byStack.json.objects.map((s: { uuid: string }) => s.uuid)).toEqual([api.uuid]);
    const triggers = await getJson(`${emu.url}/api/app/v1/service/${api.uuid}/trigger/`);
    expect(triggers.json.objects.map((t: { name: string; operation: string }) => [t.name, t.operation])).toEqual([
      ['deploy', 'REDEPLOY'],
      ['grow', 'SCALEUP'],
    ]);
    expect((await getJson(`${emu.url}/api/app/v1/service/${cron.uuid}/trigger/`)).json.objects).toEqual([]);
  });

  describe("action date filters read a date without a zone as UTC, whatever the host's time zone", () => {
    const SVC = '5a5a5a5a-0000-4000-8000-000000000001';
    const at = (hour: number): number => Date.UTC(2026, 11, 1, hour);
    // Actions that started and ended at 12:00, 13:00 and 14:00 UTC on 1 December 2026.
    const ACTIONS = [12, 13, 14].map((hour) => ({
      uuid: `0000${hour}00-0000-4000-8000-000000000000`,
      action: 'Service Redeploy',
      service_uuid: SVC,
      start_ms: at(hour),
      end_ms: at(hour),
      result: 'Success',
      path: `/api/app/v1/service/${SVC}/redeploy/`,
      user: 'demo',
      ip: '127.0.0.1',
      user_agent: 'curl/8',
    }));
    const hours = (uuids: string[]): number[] => uuids.map((u) => Number(u.slice(4, 6)));

    it.each(['America/New_York', 'UTC', 'Asia/Kolkata'])('TZ=%s', async (tz) => {
      const data = join(tempDir(), 'state.json');
      writeFileSync(
        data,
        JSON.stringify({
          version: 2,
          services: [
            {
              uuid: SVC,
              name: 'web',
              image_name: 'web:latest',
              state: 'Running',
              stack: null,
              target_num_containers: 1,
              current_num_containers: 1,
              running_num_containers: 1,
              last_trigger_body: null,
              deployed_ms: at(11),
              action_duration_ms: 0,
              action_result: 'Success',
              triggers: [],
            },
          ],
          actions: ACTIONS,
        }),
      );
      const emu = await startProcess(['--data', data], { env: { TZ: tz } });
      const found = async (query: string): Promise<number[]> => {
        const res = await getJson(`${emu.url}/api/audit/v1/action/?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 200 });
        return hours(res.json.objects.map((a: { uuid: string }) => a.uuid));
      };
      const q = (name: string, value: string): string => `${name}=${encodeURIComponent(value)}`;
      expect(await found(q('start_date__gte', '2026-12-01 13:00:00'))).toEqual([13, 14]);
      expect(await found(q('start_date__gte', '2026-12-01T13:00:00'))).toEqual([13, 14]);
      expect(await found(q('start_date__gte', '2026-12-01T13:00'))).toEqual([13, 14]);
      expect(await found(q('start_date__lte', '2026-12-01 13:00'))).toEqual([12, 13]);
      expect(await found(q('start_date__lte', '2026-12-01 12:59:59.999999'))).toEqual([12]);
      expect(await found(q('start_date__gte', 'Tue, 01 Dec 2026 13:00:00'))).toEqual([13, 14]);
      expect(await found(q('start_date__gte', 'Tue, 01 Dec 2026 13:00:00 +0000'))).toEqual([13, 14]);
      expect(await found(q('end_date__lte', '2026-12-01T08:00:00-05:00'))).toEqual([12, 13]);
      expect(await found(q('end_date__gte', '2026-12-01T13:00:00Z'))).toEqual([13, 14]);
      expect(await found(q('end_date__gte', '2026-12-01 18:30+05:30'))).toEqual([13, 14]);
      expect(await found(q('end_date__lte', '2026-12-01'))).toEqual([]);
      expect(await found(q('end_date__gte', '2026-12-02'))).toEqual([]);
      expect(await found(q('end_date__gte', '2026-12-1 14:0'))).toEqual([14]);
      for (const bad of [
        '2026-13-01',
        '2026-02-30 10:00',
        '2026-12-01 24:00',
        '2026-12-01 10:60',
        'yesterday',
        '1764594000',
        '2026-12-01T10:00:00 GMT',
      ]) {
        const res = await getJson(`${emu.url}/api/audit/v1/action/?${q('start_date__gte', bad)}`);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      }
    });
  });

  it('--data FILE keeps triggers across restarts, and the file is valid JSON at every point', async () => {
    const dir = tempDir();
    const data = join(dir, 'state.json');
    const readData = (): { services: { uuid: string; name: string; triggers: { uuid: string; name: string }[] }[] } =>
      JSON.parse(readFileSync(data, 'utf8'));

    const first = await startProcess(['--data', data]);
    // The file exists and is valid as soon as the emulator listens.
    expect(readData().services.map((s) => s.name)).toEqual(['web', 'worker', 'redis']);
    const services = (await getJson(`${first.url}/api/app/v1/service/?name=worker`)).json.objects;
    expect(services).toHaveLength(1);
    const worker = services[0].uuid as string;

    const created = await postJson(`${first.url}/api/app/v1/service/${worker}/trigger/`, { name: 'persisted', operation: 'SCALEUP' });
    expect(created.status).toBe(201);
    const uuid = created.json.uuid as string;
    // Saved before the answer.
    expect(
      readData()
        .services.find((s) => s.uuid === worker)!
        .triggers.map((t) => t.uuid),
    ).toEqual([uuid]);

    // Concurrent changes: every read of the file while they run parses.
    const pending = Array.from({ length: 20 }, (_, i) =>
      postJson(`${first.url}/api/app/v1/service/${worker}/trigger/`, { name: `burst-${i}` }),
    );
    let done = false;
    const all = Promise.all(pending).finally(() => (done = true));
    while (!done) {
      expect(() => readData()).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await all).map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(readData().services.find((s) => s.uuid === worker)!.triggers).toHaveLength(21);

    const call = await fetch(`${first.url}${created.json.url}2/`, { method: 'POST', body: 'payload' });
    expect(call.status).toBe(202);
    await call.body?.cancel();

    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(readData().services.find((s) => s.uuid === worker)!.triggers).toHaveLength(21);
    // No temporary files are left next to the data file.
    expect(readdirSync(dir)).toEqual(['state.json']);

    // A seed file is ignored once the data file exists.
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify([{ name: 'other' }]));
    const second = await startProcess(['--data', data, '--seed', seedFile]);
    const again = await getJson(`${second.url}/api/app/v1/service/${worker}/trigger/${uuid}/`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ uuid, name: 'persisted', operation: 'SCALEUP' });
    const svc = await getJson(`${second.url}/api/app/v1/service/${worker}/`);
    expect(svc.json).toMatchObject({ name: 'worker', target_num_containers: 3, last_trigger_body: 'payload' });
    const all2 = await getJson(`${second.url}/api/app/v1/service/`);
    expect(all2.json.objects.map((s: { name: string }) => s.name)).toEqual(['web', 'worker', 'redis']);

    // Deleting is persisted too.
    const del = await fetch(`${second.url}/api/app/v1/service/${worker}/trigger/${uuid}/`, {
      method: 'DELETE',
      headers: { authorization: DEFAULT_AUTH },
    });
    expect(del.status).toBe(204);
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
    const third = await startProcess(['--data', data]);
    expect((await getJson(`${third.url}/api/app/v1/service/${worker}/trigger/${uuid}/`)).status).toBe(404);
    expect((await getJson(`${third.url}/api/app/v1/service/${worker}/trigger/`)).json.meta.total_count).toBe(20);
  });

  it.each([
    { label: '{not json', content: '{not json' },
    { label: 'a multi-line corrupt file', content: 'garbage\nmore garbage\n' },
    { label: 'JSON that is not a data file', content: '[1, 2, 3]\n' },
    {
      label: 'a data file with a malformed trigger',
      content: JSON.stringify({
        version: 1,
        services: [{ uuid: '0a0a0a0a-0000-4000-8000-000000000001', name: 'web', triggers: [null] }],
        actions: [],
      }),
    },
  ])('a corrupt data file ($label) exits 1 with a one-line message and is left untouched', async ({ content }) => {
    const dir = tempDir();
    const data = join(dir, 'corrupt.json');
    writeFileSync(data, content);
    const p = run(['--port', '0', '--data', data]);
    const exit = await p.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(p.stdout()).toBe('');
    const err = p.stderr();
    expect(err.endsWith('\n')).toBe(true);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toContain(data);
    expect(err).not.toMatch(/^\s+at /m);
    expect(readFileSync(data, 'utf8')).toBe(content);
    expect(readdirSync(dir)).toEqual(['corrupt.json']);
  });

  it('a seed file with an unknown operation exits 1 with a one-line message', async () => {
    const dir = tempDir();
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify([{ name: 'api', triggers: [{ name: 'x', operation: 'RESTART' }] }]));
    const p = run(['--port', '0', '--seed', seedFile]);
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stdout()).toBe('');
    expect(p.stderr().trimEnd().split('\n')).toHaveLength(1);
    expect(p.stderr()).toContain('RESTART');
    expect(p.stderr()).not.toMatch(/^\s+at /m);
  });

  it('an unknown option exits 2', async () => {
    const p = run(['--port', '0', '--no-such-option']);
    const exit = await p.exited;
    expect(exit).toEqual({ code: 2, signal: null });
    expect(p.stdout()).toBe('');
    expect(p.stderr()).toContain('--no-such-option');
    expect(p.stderr()).not.toMatch(/^\s+at /m);
  });
});
