// In-process tests of the Docker Cloud API emulator: real HTTP over loopback, no mocks.
import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import type { SeedService } from '../src/emulator/store.js';
import { b64, basic } from './helpers/account.js';
import { startEmulator, type RunningEmulator, USER, APIKEY } from './helpers/emulator.js';

// Fixed, lowercase v4-form UUIDs so that paths and prefixes are predictable.
const WEB = 'aaaa1111-0000-4000-8000-000000000001';
const WORKER = 'aaaa2222-0000-4000-8000-000000000002';
const DB = 'bbbb3333-0000-4000-8000-000000000003';
const REDIS = 'cccc4444-0000-4000-8000-000000000004';
const WEB2 = 'dddd5555-0000-4000-8000-000000000005';
const T_REDEPLOY = 'eeee0001-0000-4000-8000-00000000000a';
const T_SCALE = 'eeee0002-0000-4000-8000-00000000000b';
const T_OTHER = 'ffff0003-0000-4000-8000-00000000000c';
const MISSING = '01234567-89ab-4cde-8f01-234567890abc';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function seed(): SeedService[] {
  return [
    {
      uuid: WEB,
      name: 'web',
      stack: 'demo',
      target_num_containers: 2,
      triggers: [
        { uuid: T_REDEPLOY, name: 'deploy-hook', operation: 'REDEPLOY' },
        { uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' },
        { uuid: T_OTHER, name: 'other-hook', operation: 'REDEPLOY' },
      ],
    },
    { uuid: WORKER, name: 'worker', stack: 'demo' },
    { uuid: DB, name: 'db', stack: 'data', state: 'Stopped' },
    { uuid: REDIS, name: 'redis', stack: null },
    { uuid: WEB2, name: 'web', stack: 'other' },
  ];
}

interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(opts: Parameters<typeof startEmulator>[0] = {}): Promise<Api> {
  const emu = await startEmulator({ seed: seed(), ...opts });
  running.push(emu);
  return new Api(emu);
}

class Api {
  constructor(readonly emu: RunningEmulator) {}

  async req(
    method: string,
    path: string,
    opts: { auth?: string | null; body?: string; type?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Res> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const auth = opts.auth === undefined ? this.emu.auth : opts.auth;
    if (auth !== null) headers.authorization = auth;
    if (opts.body !== undefined && opts.type !== null) headers['content-type'] = opts.type ?? 'application/json';
    const res = await fetch(this.emu.url + path, { method, headers, body: opts.body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, auth?: string | null): Promise<Res> {
    return this.req('GET', path, { auth });
  }

  post(path: string, body?: unknown, auth?: string | null): Promise<Res> {
    return this.req('POST', path, { auth, body: body === undefined ? undefined : JSON.stringify(body) });
  }
}

function base(ns?: string): string {
  return ns ? `/api/app/v1/${ns}/` : '/api/app/v1/';
}

function expectError(res: Res, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.json).toEqual({ error: expect.any(String) });
  expect((res.json as { error: string }).error.length).toBeGreaterThan(0);
}

describe.each([
  { label: 'without namespace', ns: undefined as string | undefined },
  { label: 'with namespace myorg', ns: 'myorg' },
])('every endpoint, $label', ({ ns }) => {
  const b = base(ns);

  it('GET service/ lists services with resource_uri and stack in the same path form', async () => {
    const api = await start();
    const res = await api.get(`${b}service/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json.meta).toEqual({ limit: 25, offset: 0, next: null, previous: null, total_count: 5 });
    expect(res.json.objects.map((s: { uuid: string }) => s.uuid)).toEqual([WEB, WORKER, DB, REDIS, WEB2]);
    for (const s of res.json.objects) {
      expect(s.resource_uri).toBe(`${b}service/${s.uuid}/`);
      if (s.stack !== null) expect(s.stack).toMatch(new RegExp(`^${b}stack/[0-9a-f-]{36}/$`));
    }
    const web = res.json.objects[0];
    expect(web).toMatchObject({
      name: 'web',
      state: 'Running',
      target_num_containers: 2,
      current_num_containers: 2,
      running_num_containers: 2,
    });
    expect(res.json.objects[3].stack).toBeNull();
    // web and worker share stack demo, so they share the stack URI.
    expect(res.json.objects[1].stack).toBe(web.stack);
    expect(res.json.objects[2].stack).not.toBe(web.stack);
  });

  it('GET service/(uuid)/ returns one service', async () => {
    const api = await start();
    const res = await api.get(`${b}service/${DB}/`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ uuid: DB, name: 'db', state: 'Stopped', resource_uri: `${b}service/${DB}/`, last_trigger_body: null });
    // Path UUIDs are case-insensitive.
    const upper = await api.get(`${b}service/${DB.toUpperCase()}/`);
    expect(upper.status).toBe(200);
    expect(upper.json.uuid).toBe(DB);
  });

  it('GET service/(uuid)/trigger/ lists triggers with url and resource_uri in the same path form', async () => {
    const api = await start();
    const res = await api.get(`${b}service/${WEB}/trigger/`);
    expect(res.status).toBe(200);
    expect(res.json.meta).toEqual({ limit: 25, offset: 0, next: null, previous: null, total_count: 3 });
    expect(res.json.objects).toEqual([
      {
        uuid: T_REDEPLOY,
        name: 'deploy-hook',
        operation: 'REDEPLOY',
        url: `${b}service/${WEB}/trigger/${T_REDEPLOY}/call/`,
        resource_uri: `${b}service/${WEB}/trigger/${T_REDEPLOY}/`,
      },
      {
        uuid: T_SCALE,
        name: 'scale-hook',
        operation: 'SCALEUP',
        url: `${b}service/${WEB}/trigger/${T_SCALE}/call/`,
        resource_uri: `${b}service/${WEB}/trigger/${T_SCALE}/`,
      },
      {
        uuid: T_OTHER,
        name: 'other-hook',
        operation: 'REDEPLOY',
        url: `${b}service/${WEB}/trigger/${T_OTHER}/call/`,
        resource_uri: `${b}service/${WEB}/trigger/${T_OTHER}/`,
      },
    ]);
    for (const t of res.json.objects) {
      expect(t.url.includes('/myorg/')).toBe(ns !== undefined);
      expect(t.resource_uri.includes('/myorg/')).toBe(ns !== undefined);
    }
    const empty = await api.get(`${b}service/${WORKER}/trigger/`);
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ meta: { limit: 25, offset: 0, next: null, previous: null, total_count: 0 }, objects: [] });
  });

  it('POST service/(uuid)/trigger/ creates a trigger, GET returns it, DELETE removes it', async () => {
    const api = await start();
    const created = await api.post(`${b}service/${WORKER}/trigger/`, { name: 'ci', operation: 'SCALEUP' });
    expect(created.status).toBe(201);
    const t = created.json;
    expect(t.uuid).toMatch(UUID_RE);
    expect(t).toEqual({
      uuid: t.uuid,
      name: 'ci',
      operation: 'SCALEUP',
      url: `${b}service/${WORKER}/trigger/${t.uuid}/call/`,
      resource_uri: `${b}service/${WORKER}/trigger/${t.uuid}/`,
    });

    const got = await api.get(`${b}service/${WORKER}/trigger/${t.uuid}/`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(t);

    const listed = await api.get(`${b}service/${WORKER}/trigger/`);
    expect(listed.json.objects).toEqual([t]);

    const del = await api.req('DELETE', `${b}service/${WORKER}/trigger/${t.uuid}/`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');

    expectError(await api.get(`${b}service/${WORKER}/trigger/${t.uuid}/`), 404);
    expectError(await api.req('DELETE', `${b}service/${WORKER}/trigger/${t.uuid}/`), 404);
    const after = await api.get(`${b}service/${WORKER}/trigger/`);
    expect(after.json.objects).toEqual([]);
    expect(after.json.meta.total_count).toBe(0);
  });

  it('creating and deleting a trigger each record a finished action, named in X-DockerCloud-Action-URI (action.md)', async () => {
    const api = await start();
    const actionOf = async (res: Res): Promise<any> => {
      const uri = res.headers.get('x-dockercloud-action-uri');
      expect(uri).toMatch(new RegExp(`^/api/audit/v1/${ns ? `${ns}/` : ''}action/[0-9a-f-]{36}/$`));
      const action = await api.get(uri!);
      expect(action.status).toBe(200);
      expect(action.json.resource_uri).toBe(uri);
      return action.json;
    };
    const created = await api.req('POST', `${b}service/${WORKER}/trigger/`, {
      body: '{"name":"ci"}',
      headers: { 'user-agent': 'python-dockercloud/1.0.12' },
    });
    expect(created.status).toBe(201);
    const create = await actionOf(created);
    expect(create).toMatchObject({
      action: 'Trigger Create',
      method: 'POST',
      path: `${b}service/${WORKER}/trigger/`,
      object: `${b}service/${WORKER}/`,
      user: USER,
      user_agent: 'python-dockercloud/1.0.12',
      ip: '127.0.0.1',
      state: 'Success',
      is_user_action: true,
      can_be_canceled: false,
      can_be_retried: false,
    });
    expect(create.end_date).toBe(create.start_date);

    const deleted = await api.req('DELETE', `${b}service/${WORKER}/trigger/${created.json.uuid}/`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const del = await actionOf(deleted);
    expect(del).toMatchObject({
      action: 'Trigger Delete',
      method: 'DELETE',
      path: `${b}service/${WORKER}/trigger/${created.json.uuid}/`,
      object: `${b}service/${WORKER}/`,
      state: 'Success',
    });
    const listed = await api.get(`/api/audit/v1/action/?object=${encodeURIComponent(`${b}service/${WORKER}/`)}`);
    expect(listed.json.objects.map((a: { action: string }) => a.action)).toEqual(['Trigger Create', 'Trigger Delete']);
    // A service's state follows its operations alone.
    expect((await api.get(`${b}service/${WORKER}/`)).json.state).toBe('Running');

    // Requests refused record nothing, and name no action.
    for (const res of [
      await api.post(`${b}service/${WORKER}/trigger/`, { operation: 'RESTART' }),
      await api.req('DELETE', `${b}service/${WORKER}/trigger/${created.json.uuid}/`),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('x-dockercloud-action-uri')).toBeNull();
    }
    expect((await api.get('/api/audit/v1/action/')).json.meta.total_count).toBe(2);
  });

  it('POST .../call/ (no credentials) answers 202 with the action URI, which GET returns', async () => {
    const api = await start();
    const call = await api.post(`${b}service/${WEB}/trigger/${T_REDEPLOY}/call/`, undefined, null);
    expect(call.status).toBe(202);
    const uri = call.headers.get('x-dockercloud-action-uri');
    expect(uri).not.toBeNull();
    const m = /^\/api\/audit\/v1\/(?:([^/]+)\/)?action\/([0-9a-f-]{36})\/$/.exec(uri!);
    expect(m).not.toBeNull();
    if (ns === undefined) expect(m![1]).toBeUndefined();
    else expect([undefined, ns]).toContain(m![1]);
    const actionUuid = m![2];
    expect(actionUuid).toMatch(UUID_RE);
    expect(call.json).toMatchObject({ uuid: actionUuid, resource_uri: uri });

    const action = await api.get(uri!);
    expect(action.status).toBe(200);
    expect(action.json).toMatchObject({ uuid: actionUuid, resource_uri: uri, state: 'Success', action: 'Service Redeploy' });
    expect(action.json.object).toBe(`${b}service/${WEB}/`);
    expect(action.json.end_date).not.toBeNull();

    // The action is also reachable under the non-namespaced audit path.
    const plain = await api.get(`/api/audit/v1/action/${actionUuid}/`);
    expect(plain.status).toBe(200);
    expect(plain.json.uuid).toBe(actionUuid);
  });

  it('POST .../call/3/ on a SCALEUP trigger adds 3 containers', async () => {
    const api = await start();
    const call = await api.post(`${b}service/${WEB}/trigger/${T_SCALE}/call/3/`, undefined, null);
    expect(call.status).toBe(202);
    expect(call.headers.get('x-dockercloud-action-uri')).toMatch(/\/action\/[0-9a-f-]{36}\/$/);
    const svc = await api.get(`${b}service/${WEB}/`);
    expect(svc.json.target_num_containers).toBe(5);
  });
});

describe('service list filters', () => {
  const uuids = (res: Res): string[] => res.json.objects.map((s: { uuid: string }) => s.uuid);

  it('filters by uuid (case-insensitively)', async () => {
    const api = await start();
    const res = await api.get(`/api/app/v1/service/?uuid=${DB}`);
    expect(res.status).toBe(200);
    expect(uuids(res)).toEqual([DB]);
    expect(res.json.meta.total_count).toBe(1);
    expect(uuids(await api.get(`/api/app/v1/service/?uuid=${DB.toUpperCase()}`))).toEqual([DB]);
    const none = await api.get(`/api/app/v1/service/?uuid=${MISSING}`);
    expect(none.status).toBe(200);
    expect(uuids(none)).toEqual([]);
    expect(none.json.meta.total_count).toBe(0);
  });

  it('filters by uuid__startswith', async () => {
    const api = await start();
    expect(uuids(await api.get('/api/app/v1/service/?uuid__startswith=aaaa'))).toEqual([WEB, WORKER]);
    expect(uuids(await api.get('/api/app/v1/service/?uuid__startswith=aaaa2'))).toEqual([WORKER]);
    expect(uuids(await api.get('/api/app/v1/service/?uuid__startswith=AAAA1'))).toEqual([WEB]);
    expect(uuids(await api.get('/api/app/v1/service/?uuid__startswith=9'))).toEqual([]);
  });

  it('filters by name', async () => {
    const api = await start();
    expect(uuids(await api.get('/api/app/v1/service/?name=web'))).toEqual([WEB, WEB2]);
    expect(uuids(await api.get('/api/app/v1/service/?name=redis'))).toEqual([REDIS]);
    expect(uuids(await api.get('/api/app/v1/service/?name=we'))).toEqual([]);
  });

  it('filters by state', async () => {
    const api = await start();
    expect(uuids(await api.get('/api/app/v1/service/?state=Stopped'))).toEqual([DB]);
    expect(uuids(await api.get('/api/app/v1/service/?state=Running'))).toEqual([WEB, WORKER, REDIS, WEB2]);
    expect(uuids(await api.get('/api/app/v1/service/?state=Terminated'))).toEqual([]);
  });

  it('filters by stack__name, alone and combined with name (how name.stack is resolved)', async () => {
    const api = await start();
    expect(uuids(await api.get('/api/app/v1/service/?stack__name=demo'))).toEqual([WEB, WORKER]);
    expect(uuids(await api.get('/api/app/v1/service/?stack__name=other'))).toEqual([WEB2]);
    expect(uuids(await api.get('/api/app/v1/service/?name=web&stack__name=demo'))).toEqual([WEB]);
    expect(uuids(await api.get('/api/app/v1/myorg/service/?name=web&stack__name=other'))).toEqual([WEB2]);
    expect(uuids(await api.get('/api/app/v1/service/?name=worker&stack__name=other'))).toEqual([]);
  });
});

describe('query parameters as Tastypie reads them', () => {
  const uuids = (res: Res): string[] => res.json.objects.map((s: { uuid: string }) => s.uuid);
  const refused = async (api: Api, path: string, error: string): Promise<void> => {
    const res = await api.get(path);
    expect({ path, status: res.status, json: res.json }).toEqual({ path, status: 400, json: { error } });
  };

  it('a field of the objects that is not a filter, or a lookup the field does not allow, is a 400 naming it', async () => {
    const api = await start();
    const s = '/api/app/v1/service/';
    await refused(api, `${s}?image_name=redis`, "The 'image_name' field does not allow filtering.");
    await refused(api, `${s}?name__startswith=we`, "'startswith' is not an allowed filter on the 'name' field.");
    await refused(api, `${s}?uuid__in=${WEB}`, "'in' is not an allowed filter on the 'uuid' field.");
    await refused(api, `${s}?name__first=w`, "The 'name' field does not support relations.");
    await refused(api, `${s}?stack__startswith=/api/`, "'startswith' is not an allowed filter on the 'stack' field.");
    await refused(api, `${s}?stack__name__startswith=de`, "'startswith' is not an allowed filter on the 'name' field.");
    await refused(api, `${s}?stack__state=Running`, "The 'state' field does not allow filtering.");
    await refused(
      api,
      `/api/app/v1/myorg/service/?target_num_containers=2&name=web`,
      "The 'target_num_containers' field does not allow filtering.",
    );
    await refused(api, '/api/app/v1/stack/?state=Running', "The 'state' field does not allow filtering.");
    await refused(api, '/api/app/v1/stack/?name__iexact=DEMO', "'iexact' is not an allowed filter on the 'name' field.");
    await refused(api, `/api/app/v1/service/${WEB}/trigger/?operation=SCALEUP`, "The 'operation' field does not allow filtering.");
    await refused(api, `/api/app/v1/service/${WEB}/trigger/?url__contains=call`, "The 'url' field does not allow filtering.");
    const actions = '/api/audit/v1/action/';
    await refused(api, `${actions}?action=Service%20Redeploy`, "The 'action' field does not allow filtering.");
    await refused(api, `${actions}?start_date=2026-12-01`, "'exact' is not an allowed filter on the 'start_date' field.");
    await refused(api, `${actions}?end_date__gt=2026-12-01`, "'gt' is not an allowed filter on the 'end_date' field.");
    await refused(api, `${actions}?state__in=Success`, "'in' is not an allowed filter on the 'state' field.");
  });

  it('parameters that name no field (limit, offset, format, any other word) are left alone', async () => {
    const api = await start();
    const all = await api.get('/api/app/v1/service/?format=json&order_by=name&foo=bar&__x=1&callback=f');
    expect(all.status).toBe(200);
    expect(uuids(all)).toEqual([WEB, WORKER, DB, REDIS, WEB2]);
    expect(uuids(await api.get('/api/app/v1/stack/?format=json&service=x&offset=0')).length).toBeGreaterThan(0);
    expect((await api.get(`/api/app/v1/service/${WEB}/trigger/?format=json&service=x`)).json.meta.total_count).toBe(3);
    await api.post(`/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/call/`, undefined, null);
    const object = `/api/app/v1/service/${WEB}/`;
    const res = await api.get(`/api/audit/v1/action/?object=${encodeURIComponent(object)}&format=json&include_related=false&since=now`);
    expect(res.status).toBe(200);
    expect(res.json.meta.total_count).toBe(1);
    // object combines with no other filter, a field of the actions.
    await refused(
      api,
      `/api/audit/v1/action/?object=${encodeURIComponent(object)}&state=Success`,
      'object can only be combined with include_related, not with state',
    );
  });

  it('a filter of the stack is a filter of its services through stack__, as Tastypie follows relations', async () => {
    const api = await start();
    const demo = (await api.get('/api/app/v1/stack/?name=demo')).json.objects[0];
    expect(uuids(await api.get(`/api/app/v1/service/?stack__uuid=${demo.uuid}`))).toEqual([WEB, WORKER]);
    expect(uuids(await api.get(`/api/app/v1/service/?stack__uuid__startswith=${demo.uuid.slice(0, 6)}`))).toContain(WEB);
    expect(uuids(await api.get('/api/app/v1/service/?stack__name=nope'))).toEqual([]);
  });

  it("a parameter given twice counts with its last value, as in Django's QueryDict", async () => {
    const api = await start();
    expect(uuids(await api.get('/api/app/v1/service/?name=redis&name=web'))).toEqual([WEB, WEB2]);
    expect(uuids(await api.get('/api/app/v1/service/?name=web&stack__name=other&stack__name=demo'))).toEqual([WEB]);
    expect((await api.get('/api/app/v1/stack/?name=demo&name=data')).json.objects.map((x: { name: string }) => x.name)).toEqual(['data']);
  });
});

describe('triggers', () => {
  const names = (res: Res): string[] => res.json.objects.map((t: { name: string }) => t.name);
  const list = `/api/app/v1/service/${WEB}/trigger/`;

  it('trigger list filters by name and uuid__startswith', async () => {
    const api = await start();
    const byName = await api.get(`${list}?name=scale-hook`);
    expect(byName.status).toBe(200);
    expect(byName.json.objects.map((t: { uuid: string }) => t.uuid)).toEqual([T_SCALE]);
    expect(byName.json.meta.total_count).toBe(1);
    expect(names(await api.get(`${list}?name=nope`))).toEqual([]);
    expect(names(await api.get(`${list}?uuid__startswith=eeee`))).toEqual(['deploy-hook', 'scale-hook']);
    expect(names(await api.get(`${list}?uuid__startswith=eeee0002`))).toEqual(['scale-hook']);
    expect(names(await api.get(`${list}?uuid__startswith=FFFF`))).toEqual(['other-hook']);
    expect(names(await api.get(`${list}?uuid__startswith=0`))).toEqual([]);
  });

  it('create with a name and an operation', async () => {
    const api = await start();
    const res = await api.post(`/api/app/v1/service/${REDIS}/trigger/`, { name: 'nightly', operation: 'SCALEUP' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: 'nightly', operation: 'SCALEUP' });
    const listed = await api.get(`/api/app/v1/service/${REDIS}/trigger/?name=nightly`);
    expect(listed.json.objects).toEqual([res.json]);
  });

  it('create defaults the operation to REDEPLOY (empty object and empty body)', async () => {
    const api = await start();
    const a = await api.post(`/api/app/v1/service/${REDIS}/trigger/`, { name: 'only-name' });
    expect(a.status).toBe(201);
    expect(a.json.operation).toBe('REDEPLOY');
    expect(a.json.name).toBe('only-name');
    const b = await api.post(`/api/app/v1/service/${REDIS}/trigger/`, {});
    expect(b.status).toBe(201);
    expect(b.json.operation).toBe('REDEPLOY');
    expect(typeof b.json.name).toBe('string');
    const c = await api.post(`/api/app/v1/service/${REDIS}/trigger/`);
    expect(c.status).toBe(201);
    expect(c.json.operation).toBe('REDEPLOY');
    expect(new Set([a.json.uuid, b.json.uuid, c.json.uuid]).size).toBe(3);
    const listed = await api.get(`/api/app/v1/service/${REDIS}/trigger/`);
    expect(listed.json.meta.total_count).toBe(3);
  });

  it('create rejects a lowercase or unknown operation with 400', async () => {
    const api = await start();
    expectError(await api.post(`/api/app/v1/service/${REDIS}/trigger/`, { operation: 'redeploy' }), 400);
    expectError(await api.post(`/api/app/v1/service/${REDIS}/trigger/`, { operation: 'scaleup' }), 400);
    expectError(await api.post(`/api/app/v1/service/${REDIS}/trigger/`, { operation: 'RESTART' }), 400);
    expectError(await api.post(`/api/app/v1/service/${REDIS}/trigger/`, { operation: 7 }), 400);
    const listed = await api.get(`/api/app/v1/service/${REDIS}/trigger/`);
    expect(listed.json.meta.total_count).toBe(0);
  });

  it('create answers 415 for a body that is not JSON and for a wrong content type', async () => {
    const api = await start();
    const path = `/api/app/v1/service/${REDIS}/trigger/`;
    expectError(await api.req('POST', path, { body: '{name: ci', type: 'application/json' }), 415);
    expectError(await api.req('POST', path, { body: JSON.stringify({ name: 'ci' }), type: 'text/plain' }), 415);
    expectError(await api.req('POST', path, { body: 'name=ci', type: 'application/x-www-form-urlencoded' }), 415);
    const listed = await api.get(path);
    expect(listed.json.meta.total_count).toBe(0);
  });

  it('create answers 400 for a JSON array body', async () => {
    const api = await start();
    const path = `/api/app/v1/service/${REDIS}/trigger/`;
    expectError(await api.req('POST', path, { body: JSON.stringify([{ name: 'ci', operation: 'REDEPLOY' }]) }), 400);
    const listed = await api.get(path);
    expect(listed.json.meta.total_count).toBe(0);
  });

  it('GET and DELETE one trigger; after DELETE, GET is 404 and the others remain', async () => {
    const api = await start();
    const one = `/api/app/v1/service/${WEB}/trigger/${T_OTHER}/`;
    const got = await api.get(one);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ uuid: T_OTHER, name: 'other-hook', operation: 'REDEPLOY', resource_uri: one });
    const del = await api.req('DELETE', one);
    expect(del.status).toBe(204);
    expectError(await api.get(one), 404);
    expect(names(await api.get(list))).toEqual(['deploy-hook', 'scale-hook']);
    // A deleted trigger can no longer be called.
    expectError(await api.post(`${one}call/`, undefined, null), 404);
  });
});

describe('pagination', () => {
  const N = 60;
  const many = (): SeedService[] => [
    {
      uuid: WEB,
      name: 'web',
      triggers: Array.from({ length: N }, (_, i) => ({
        name: `t${String(i).padStart(2, '0')}`,
        operation: i % 2 ? 'SCALEUP' : 'REDEPLOY',
      })),
    },
  ];

  it.each([
    { label: 'without namespace', ns: undefined as string | undefined },
    { label: 'with namespace', ns: 'myorg' },
  ])('follows the next chain over several pages, $label', async ({ ns }) => {
    const api = await start({ seed: many(), pageSize: 25 });
    const first = `${base(ns)}service/${WEB}/trigger/`;
    const seen: string[] = [];
    const pages: Res[] = [];
    let next: string | null = first;
    while (next !== null) {
      expect(pages.length).toBeLessThan(10);
      expect(next.startsWith(first)).toBe(true);
      const res = await api.get(next);
      expect(res.status).toBe(200);
      pages.push(res);
      seen.push(...res.json.objects.map((t: { name: string }) => t.name));
      next = res.json.meta.next;
    }
    expect(pages.map((p) => p.json.objects.length)).toEqual([25, 25, 10]);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => `t${String(i).padStart(2, '0')}`));
    expect(new Set(pages.flatMap((p) => p.json.objects.map((t: { uuid: string }) => t.uuid))).size).toBe(N);
    for (const p of pages) {
      expect(p.json.meta.total_count).toBe(N);
      expect(p.json.meta.limit).toBe(25);
    }
    expect(pages.map((p) => p.json.meta.offset)).toEqual([0, 25, 50]);
    expect(pages[0].json.meta.previous).toBeNull();
    const prev1 = pages[1].json.meta.previous as string;
    const prev2 = pages[2].json.meta.previous as string;
    for (const prev of [prev1, prev2]) expect(prev.startsWith(first)).toBe(true);
    const q1 = new URL(prev1, 'http://x').searchParams;
    const q2 = new URL(prev2, 'http://x').searchParams;
    expect([q1.get('limit'), q1.get('offset')]).toEqual(['25', '0']);
    expect([q2.get('limit'), q2.get('offset')]).toEqual(['25', '25']);
    // previous really leads back to the page before.
    const back = await api.get(prev2);
    expect(back.json.objects).toEqual(pages[1].json.objects);
    const back0 = await api.get(prev1);
    expect(back0.json.objects).toEqual(pages[0].json.objects);
    for (const p of pages) {
      for (const t of p.json.objects) expect(t.resource_uri.startsWith(first)).toBe(true);
    }
  });

  it('honours limit and offset query parameters', async () => {
    const api = await start({ seed: many(), pageSize: 25 });
    const path = `/api/app/v1/service/${WEB}/trigger/`;
    const res = await api.get(`${path}?limit=7&offset=10`);
    expect(res.status).toBe(200);
    expect(res.json.meta).toMatchObject({ limit: 7, offset: 10, total_count: N });
    expect(res.json.objects.map((t: { name: string }) => t.name)).toEqual(['t10', 't11', 't12', 't13', 't14', 't15', 't16']);
    const next = new URL(res.json.meta.next, 'http://x').searchParams;
    expect([next.get('limit'), next.get('offset')]).toEqual(['7', '17']);
    const prev = new URL(res.json.meta.previous, 'http://x').searchParams;
    expect([prev.get('limit'), prev.get('offset')]).toEqual(['7', '3']);

    const last = await api.get(`${path}?limit=7&offset=56`);
    expect(last.json.objects.map((t: { name: string }) => t.name)).toEqual(['t56', 't57', 't58', 't59']);
    expect(last.json.meta.next).toBeNull();

    const all = await api.get(`${path}?limit=100`);
    expect(all.json.objects).toHaveLength(N);
    expect(all.json.meta.next).toBeNull();

    const beyond = await api.get(`${path}?offset=1000`);
    expect(beyond.status).toBe(200);
    expect(beyond.json.objects).toEqual([]);
    expect(beyond.json.meta.next).toBeNull();
    expect(beyond.json.meta.total_count).toBe(N);
  });

  it('keeps filters in the next links', async () => {
    const api = await start({ pageSize: 2 });
    const page1 = await api.get('/api/app/v1/service/?stack__name=demo&limit=1');
    expect(page1.json.objects.map((s: { name: string }) => s.name)).toEqual(['web']);
    expect(page1.json.meta.total_count).toBe(2);
    expect(new URL(page1.json.meta.next, 'http://x').searchParams.get('stack__name')).toBe('demo');
    const page2 = await api.get(page1.json.meta.next);
    expect(page2.json.objects.map((s: { name: string }) => s.name)).toEqual(['worker']);
    expect(page2.json.meta.next).toBeNull();
  });

  it('answers 400 for an invalid limit or offset', async () => {
    const api = await start({ seed: many(), pageSize: 25 });
    const path = `/api/app/v1/service/${WEB}/trigger/`;
    for (const q of ['limit=abc', 'limit=-1', 'limit=2.5', 'offset=x', 'offset=-5']) {
      expectError(await api.get(`${path}?${q}`), 400);
    }
    expectError(await api.get('/api/app/v1/service/?limit=ten'), 400);
  });

  it("answers 400 for an empty limit or offset, as int('') fails in Tastypie, and for one past the largest safe integer", async () => {
    const api = await start({ seed: many(), pageSize: 25 });
    const path = `/api/app/v1/service/${WEB}/trigger/`;
    for (const q of [
      'limit=',
      'offset=',
      'limit=5&offset=',
      'offset=9007199254740992',
      'limit=9007199254740992',
      `offset=1${'0'.repeat(21)}`,
    ]) {
      const res = await api.get(`${path}?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expectError(res, 400);
    }
    // The largest safe offset is still a page (an empty one), its numbers written whole.
    const far = await api.get(`${path}?offset=9007199254740991&limit=10`);
    expect(far.status).toBe(200);
    expect(far.json.meta).toMatchObject({ offset: 9007199254740991, limit: 10, next: null, total_count: N });
    expect(far.text).not.toMatch(/e\+/);
    expect(new URL(far.json.meta.previous, 'http://x').searchParams.get('offset')).toBe('9007199254740981');
  });

  it("a repeated limit or offset takes its last value, as Django's QueryDict does", async () => {
    const api = await start({ seed: many(), pageSize: 25 });
    const res = await api.get(`/api/app/v1/service/${WEB}/trigger/?limit=5&offset=1&limit=3&offset=2`);
    expect(res.json.meta).toMatchObject({ limit: 3, offset: 2 });
    expect(res.json.objects.map((t: { name: string }) => t.name)).toEqual(['t02', 't03', 't04']);
  });
});

describe('trigger calls', () => {
  const call = (trigger: string, suffix = ''): string => `/api/app/v1/service/${WEB}/trigger/${trigger}/call/${suffix}`;

  it('need no credentials and ignore an Authorization header that is wrong', async () => {
    const api = await start();
    const res = await api.post(call(T_REDEPLOY), undefined, null);
    expect(res.status).toBe(202);
    const res2 = await api.post(call(T_REDEPLOY), undefined, basic('nobody', 'wrong'));
    expect(res2.status).toBe(202);
  });

  it('the action URI needs credentials to be read', async () => {
    const api = await start();
    const res = await api.post(call(T_REDEPLOY), undefined, null);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    expect(uri).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
    const anon = await api.get(uri, null);
    expectError(anon, 401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Basic/);
    const ok = await api.get(uri);
    expect(ok.status).toBe(200);
    expect(ok.json.state).toBe('Success');
    expectError(await api.get(`/api/audit/v1/action/${MISSING}/`), 404);
  });

  it('SCALEUP adds one container, call/3/ adds three', async () => {
    const api = await start();
    const svc = `/api/app/v1/service/${WEB}/`;
    expect((await api.get(svc)).json.target_num_containers).toBe(2);
    const one = await api.post(call(T_SCALE), undefined, null);
    expect(one.status).toBe(202);
    expect((await api.get(svc)).json.target_num_containers).toBe(3);
    const three = await api.post(call(T_SCALE, '3/'), undefined, null);
    expect(three.status).toBe(202);
    const after = (await api.get(svc)).json;
    expect(after.target_num_containers).toBe(6);
    const action = await api.get(three.headers.get('x-dockercloud-action-uri')!);
    expect(action.json).toMatchObject({ state: 'Success', action: 'Service Scale' });
    // REDEPLOY does not change the number of containers.
    expect((await api.post(call(T_REDEPLOY), undefined, null)).status).toBe(202);
    expect((await api.get(svc)).json.target_num_containers).toBe(6);
  });

  it('REDEPLOY with a number answers 400 and changes nothing', async () => {
    const api = await start();
    const res = await api.post(call(T_REDEPLOY, '2/'), undefined, null);
    expectError(res, 400);
    expect(res.headers.get('x-dockercloud-action-uri')).toBeNull();
    const svc = await api.get(`/api/app/v1/service/${WEB}/`);
    expect(svc.json.target_num_containers).toBe(2);
    expect(api.emu.store.state.actions).toHaveLength(0);
  });

  it('keeps the request body as the service last_trigger_body', async () => {
    const api = await start();
    const body = '{"ref":"refs/heads/main","sha":"abc123"}';
    const res = await api.req('POST', call(T_REDEPLOY), { auth: null, body });
    expect(res.status).toBe(202);
    const svc = await api.get(`/api/app/v1/service/${WEB}/`);
    expect(svc.json.last_trigger_body).toBe(body);
    // A body that is not JSON is kept verbatim as well.
    const res2 = await api.req('POST', call(T_SCALE), { auth: null, body: 'plain text ✓', type: 'text/plain' });
    expect(res2.status).toBe(202);
    expect((await api.get(`/api/app/v1/service/${WEB}/`)).json.last_trigger_body).toBe('plain text ✓');
  });

  it('with a seeded action_duration_ms the action is In progress and the service Redeploying right after the call', async () => {
    const api = await start({
      seed: [{ uuid: WEB, name: 'web', action_duration_ms: 60_000, triggers: [{ uuid: T_REDEPLOY, operation: 'REDEPLOY' }] }],
    });
    const res = await api.post(call(T_REDEPLOY), undefined, null);
    expect(res.status).toBe(202);
    expect(res.json.state).toBe('In progress');
    const action = await api.get(res.headers.get('x-dockercloud-action-uri')!);
    expect(action.json.state).toBe('In progress');
    expect(action.json.end_date).toBeNull();
    const svc = await api.get(`/api/app/v1/service/${WEB}/`);
    expect(svc.json.state).toBe('Redeploying');
    const filtered = await api.get('/api/app/v1/service/?state=Redeploying');
    expect(filtered.json.objects.map((s: { uuid: string }) => s.uuid)).toEqual([WEB]);
  });

  it("a trigger created or deleted while a call's action runs leaves the service Redeploying", async () => {
    const api = await start({
      seed: [{ uuid: WEB, name: 'web', action_duration_ms: 60_000, triggers: [{ uuid: T_REDEPLOY, operation: 'REDEPLOY' }] }],
    });
    expect((await api.post(call(T_REDEPLOY), undefined, null)).status).toBe(202);
    const created = await api.post(`/api/app/v1/service/${WEB}/trigger/`, { name: 'more' });
    expect(created.status).toBe(201);
    expect((await api.get(`/api/app/v1/service/${WEB}/`)).json.state).toBe('Redeploying');
    expect((await api.req('DELETE', `/api/app/v1/service/${WEB}/trigger/${created.json.uuid}/`)).status).toBe(204);
    expect((await api.get(`/api/app/v1/service/${WEB}/`)).json.state).toBe('Redeploying');
  });

  it('with a seeded action_result Failed the action ends Failed', async () => {
    const api = await start({
      seed: [{ uuid: WEB, name: 'web', action_result: 'Failed', triggers: [{ uuid: T_REDEPLOY, operation: 'REDEPLOY' }] }],
    });
    const res = await api.post(call(T_REDEPLOY), undefined, null);
    expect(res.status).toBe(202);
    const action = await api.get(res.headers.get('x-dockercloud-action-uri')!);
    expect(action.status).toBe(200);
    expect(action.json.state).toBe('Failed');
    expect(action.json.end_date).not.toBeNull();
    expect((await api.get(`/api/app/v1/service/${WEB}/`)).json.state).toBe('Running');
  });

  describe('the state of the service decides whether a call is allowed (service.md, "Service states")', () => {
    const stateSeed = (state: string): SeedService[] => [
      {
        uuid: WEB,
        name: 'web',
        state: state as SeedService['state'],
        target_num_containers: 2,
        triggers: [
          { uuid: T_REDEPLOY, operation: 'REDEPLOY' },
          { uuid: T_SCALE, operation: 'SCALEUP' },
        ],
      },
    ];

    it.each([
      { state: 'Not running', allowed: 'only start and terminate are allowed in this state' },
      { state: 'Starting', allowed: 'no actions are allowed in this state' },
      { state: 'Scaling', allowed: 'no actions are allowed in this state' },
      { state: 'Redeploying', allowed: 'no actions are allowed in this state' },
      { state: 'Stopping', allowed: 'no actions are allowed in this state' },
      { state: 'Terminating', allowed: 'no actions are allowed in this state' },
      { state: 'Terminated', allowed: 'no actions are allowed in this state' },
    ])('$state: a call is a 400 that names the state, and changes nothing', async ({ state, allowed }) => {
      const api = await start({ seed: stateSeed(state) });
      const before = (await api.get(`/api/app/v1/service/${WEB}/`)).json;
      const cases = [
        [call(T_REDEPLOY), `Cannot redeploy a service in state "${state}": ${allowed}`],
        [call(T_SCALE), `Cannot scale a service in state "${state}": ${allowed}`],
        [call(T_SCALE, '3/'), `Cannot scale a service in state "${state}": ${allowed}`],
      ];
      for (const [path, error] of cases) {
        const res = await api.req('POST', path, { auth: null, body: '{"ref":"main"}', type: 'application/json' });
        expect({ path, status: res.status, json: res.json, action: res.headers.get('x-dockercloud-action-uri') }).toEqual({
          path,
          status: 400,
          json: { error },
          action: null,
        });
      }
      expect((await api.get(`/api/app/v1/service/${WEB}/`)).json).toEqual(before);
      expect((await api.get('/api/audit/v1/action/')).json.meta.total_count).toBe(0);
    });

    it.each(['Running', 'Partly running', 'Stopped'])('%s: REDEPLOY and SCALEUP are answered 202', async (state) => {
      const api = await start({ seed: stateSeed(state) });
      expect((await api.post(call(T_REDEPLOY), undefined, null)).status).toBe(202);
      expect((await api.post(call(T_SCALE, '2/'), undefined, null)).status).toBe(202);
      expect((await api.get(`/api/app/v1/service/${WEB}/`)).json).toMatchObject({ state, target_num_containers: 4 });
    });
  });

  it('each *_datetime says what service.md says: the last deploy, start and stop, and the termination', async () => {
    const api = await start({
      seed: ['Not running', 'Running', 'Stopped', 'Terminated'].map((state, i) => ({
        uuid: `${i}0000000-0000-4000-8000-000000000000`,
        name: `s${i}`,
        state: state as SeedService['state'],
      })),
    });
    const dates = async (i: number): Promise<(string | null)[]> => {
      const s = (await api.get(`/api/app/v1/service/${i}0000000-0000-4000-8000-000000000000/`)).json;
      return [s.deployed_datetime, s.started_datetime, s.stopped_datetime, s.destroyed_datetime].map((d) => (d === null ? null : 'date'));
    };
    expect(await dates(0)).toEqual([null, null, null, null]);
    expect(await dates(1)).toEqual(['date', 'date', null, null]);
    expect(await dates(2)).toEqual(['date', 'date', 'date', null]);
    expect(await dates(3)).toEqual(['date', 'date', null, 'date']);
  });

  it('a REDEPLOY of a stopped service moves deployed_datetime alone: not when it was started or stopped', async () => {
    const api = await start({
      seed: [{ uuid: DB, name: 'db', state: 'Stopped', triggers: [{ uuid: T_REDEPLOY, operation: 'REDEPLOY' }] }],
    });
    const db = api.emu.store.service(DB)!;
    Object.assign(db, { deployed_ms: Date.UTC(2020, 0, 1), started_ms: Date.UTC(2020, 0, 2), stopped_ms: Date.UTC(2020, 0, 3) });
    const before = (await api.get(`/api/app/v1/service/${DB}/`)).json;
    expect(before).toMatchObject({
      deployed_datetime: 'Wed, 01 Jan 2020 00:00:00 +0000',
      started_datetime: 'Thu, 02 Jan 2020 00:00:00 +0000',
      stopped_datetime: 'Fri, 03 Jan 2020 00:00:00 +0000',
      destroyed_datetime: null,
    });
    const res = await api.req('POST', `/api/app/v1/service/${DB}/trigger/${T_REDEPLOY}/call/`, { auth: null });
    expect(res.status).toBe(202);
    const after = (await api.get(`/api/app/v1/service/${DB}/`)).json;
    expect(after.deployed_datetime).toBe(res.json.start_date);
    expect(after).toMatchObject({
      state: 'Stopped',
      started_datetime: before.started_datetime,
      stopped_datetime: before.stopped_datetime,
      destroyed_datetime: null,
    });
  });

  it('calls of unknown services or triggers answer 404', async () => {
    const api = await start();
    expectError(await api.post(`/api/app/v1/service/${MISSING}/trigger/${T_REDEPLOY}/call/`, undefined, null), 404);
    expectError(await api.post(call(MISSING), undefined, null), 404);
    // A trigger of another service cannot be called through this one.
    expectError(await api.post(`/api/app/v1/service/${WORKER}/trigger/${T_REDEPLOY}/call/`, undefined, null), 404);
    expectError(await api.post(call(T_SCALE, '0/'), undefined, null), 404);
    expectError(await api.post(call(T_SCALE, 'x/'), undefined, null), 404);
    expect(api.emu.store.state.actions).toHaveLength(0);
  });
});

describe('errors', () => {
  it('401 with WWW-Authenticate: Basic for missing and wrong credentials', async () => {
    const api = await start();
    const paths = [
      '/api/app/v1/service/',
      '/api/app/v1/myorg/service/',
      `/api/app/v1/service/${WEB}/`,
      `/api/app/v1/service/${WEB}/trigger/`,
      `/api/app/v1/myorg/service/${WEB}/trigger/${T_REDEPLOY}/`,
    ];
    const wrong = [null, basic(USER, 'wrong-key'), basic('intruder', APIKEY), `Bearer ${APIKEY}`, basic(USER, `${APIKEY}x`)];
    for (const path of paths) {
      for (const auth of wrong) {
        const res = await api.get(path, auth);
        expectError(res, 401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic\b/);
      }
    }
    // Wrong credentials cannot create or delete either.
    expectError(await api.post(`/api/app/v1/service/${WEB}/trigger/`, { name: 'x' }, null), 401);
    expectError(await api.req('DELETE', `/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/`, { auth: basic(USER, 'nope') }), 401);
    expect((await api.get(`/api/app/v1/service/${WEB}/trigger/`)).json.meta.total_count).toBe(3);
  });

  it('the Basic scheme in any case, with any spaces or tabs before the credentials, as Tastypie splits the header', async () => {
    const api = await start();
    const token = b64(USER, APIKEY);
    for (const auth of [`basic ${token}`, `BASIC ${token}`, `bAsIc ${token}`, `Basic   ${token}`, `Basic \t${token}`]) {
      expect({ auth, status: (await api.get('/api/app/v1/service/', auth)).status }).toEqual({ auth, status: 200 });
    }
    for (const auth of [
      `Basic${token}`,
      `Basic ${token} extra`,
      `Bearer ${token}`,
      'Basic',
      `Basic ${token.slice(0, -1)}`,
      `Basic ${token}=`,
    ]) {
      expectError(await api.get('/api/app/v1/service/', auth), 401);
    }
  });

  it('404 for an unknown route, an unknown service, a non-uuid service id and an unknown trigger', async () => {
    const api = await start();
    for (const path of [
      '/',
      '/api/app/v1/',
      '/api/app/v2/service/',
      '/api/app/v1/container/',
      '/api/app/v1/service',
      '/api/app/v1/myorg/container/',
      '/api/app/v1/stack/extra/',
      `/api/app/v1/service/${WEB}/container/`,
      `/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/extra/`,
      `/api/app/v1/service/${MISSING}/`,
      `/api/app/v1/myorg/service/${MISSING}/`,
      `/api/app/v1/service/${MISSING}/trigger/`,
      '/api/app/v1/service/web/',
      '/api/app/v1/service/aaaa1111/',
      '/api/app/v1/service/web/trigger/',
      `/api/app/v1/service/${WEB}/trigger/${MISSING}/`,
      `/api/app/v1/service/${WEB}/trigger/deploy-hook/`,
      `/api/app/v1/myorg/service/${WEB}/trigger/${MISSING}/`,
    ]) {
      const res = await api.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expectError(res, 404);
    }
    expectError(await api.req('DELETE', `/api/app/v1/service/${WEB}/trigger/${MISSING}/`), 404);
    expectError(await api.post(`/api/app/v1/service/${MISSING}/trigger/`, { name: 'x' }), 404);
  });

  it('405 with an Allow header for a wrong method', async () => {
    const api = await start();
    const cases: [string, string, string[]][] = [
      ['PUT', `/api/app/v1/service/${WEB}/trigger/`, ['GET', 'POST']],
      ['DELETE', `/api/app/v1/myorg/service/${WEB}/trigger/`, ['GET', 'POST']],
      ['GET', `/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/call/`, ['POST']],
      ['PUT', `/api/app/v1/service/${WEB}/trigger/${T_SCALE}/call/2/`, ['POST']],
      ['POST', `/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/`, ['DELETE', 'GET']],
      ['POST', '/api/app/v1/service/', ['GET']],
      ['DELETE', `/api/app/v1/service/${WEB}/`, ['GET']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await api.req(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: '{}' });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
      expectError(res, 405);
      const allow = (res.headers.get('allow') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .sort();
      expect(allow).toEqual(allowed);
    }
    expect(api.emu.store.state.actions).toHaveLength(0);
  });

  it("OPTIONS answers 200 with Allow on every served path, without credentials, as Tastypie's method_check", async () => {
    const api = await start();
    const cases: [string, string][] = [
      ['/api/app/v1/service/', 'GET'],
      [`/api/app/v1/myorg/service/${WEB}/`, 'GET'],
      [`/api/app/v1/service/${WEB}/trigger/`, 'GET,POST'],
      [`/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/`, 'GET,DELETE'],
      [`/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/call/`, 'POST'],
      [`/api/app/v1/service/${WEB}/trigger/${T_SCALE}/call/3/`, 'POST'],
      ['/api/app/v1/stack/', 'GET'],
      ['/api/audit/v1/action/', 'GET'],
      [`/api/audit/v1/myorg/action/${MISSING}/`, 'GET'],
    ];
    for (const [path, allow] of cases) {
      for (const auth of [null, api.emu.auth]) {
        const res = await api.req('OPTIONS', path, { auth });
        expect({ path, status: res.status, allow: res.headers.get('allow') }).toEqual({ path, status: 200, allow });
      }
    }
    expectError(await api.req('OPTIONS', '/api/app/v1/container/'), 404);
    expect(api.emu.store.state.actions).toHaveLength(0);
  });

  it('a method not allowed is a 405 before the credentials are checked, as Tastypie checks the method first', async () => {
    const api = await start();
    for (const auth of [null, basic(USER, 'wrong')]) {
      for (const [method, path] of [
        ['PUT', `/api/app/v1/service/${WEB}/trigger/`],
        ['DELETE', '/api/app/v1/service/'],
        ['POST', `/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/`],
        ['PATCH', '/api/audit/v1/action/'],
        ['HEAD', '/api/app/v1/stack/'],
      ] as const) {
        const res = await api.req(method, path, { auth });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
        expect(res.headers.get('allow')).toMatch(/^[A-Z,]+$/);
      }
    }
  });

  it('413 for a body over the limit (declared and streamed)', async () => {
    const api = await start({ maxBody: 64 });
    const big = JSON.stringify({ name: 'x'.repeat(200), operation: 'REDEPLOY' });
    expectError(await api.req('POST', `/api/app/v1/service/${WEB}/trigger/`, { body: big }), 413);
    expectError(
      await api.req('POST', `/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/call/`, { auth: null, body: 'y'.repeat(500) }),
      413,
    );

    // Without a Content-Length: chunked transfer of more than the limit.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`/api/app/v1/service/${WEB}/trigger/${T_REDEPLOY}/call/`, api.emu.url);
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.write('z'.repeat(40));
      req.write('z'.repeat(40));
      req.end('z'.repeat(40));
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toEqual({ error: expect.any(String) });

    // Nothing happened, and a body within the limit still works.
    expect(api.emu.store.state.actions).toHaveLength(0);
    const svc = await api.get(`/api/app/v1/service/${WEB}/`);
    expect(svc.json.last_trigger_body).toBeNull();
    expect((await api.get(`/api/app/v1/service/${WEB}/trigger/`)).json.meta.total_count).toBe(3);
    const small = await api.post(`/api/app/v1/service/${WEB}/trigger/`, { name: 'ok' });
    expect(small.status).toBe(201);
  });

  it('415 when the client does not accept JSON', async () => {
    const api = await start();
    expectError(await api.req('GET', '/api/app/v1/service/', { headers: { accept: 'text/html' } }), 415);
  });

  it('leaves the state intact after a run of bad requests', async () => {
    const api = await start({ maxBody: 256 });
    const snapshot = async (): Promise<unknown> => {
      const services = await api.get('/api/app/v1/service/');
      expect(services.status).toBe(200);
      const triggers = await Promise.all(
        services.json.objects.map(async (s: { uuid: string }) => (await api.get(`/api/app/v1/service/${s.uuid}/trigger/`)).json),
      );
      return { services: services.json, triggers };
    };
    const before = await snapshot();
    const trg = `/api/app/v1/service/${WEB}/trigger/`;
    const bad: [string, string, { auth?: string | null; body?: string; type?: string | null }][] = [
      ['GET', '/api/app/v1/service/', { auth: null }],
      ['POST', trg, { auth: basic(USER, 'bad'), body: '{"name":"x"}' }],
      ['DELETE', `${trg}${T_REDEPLOY}/`, { auth: null }],
      ['DELETE', `${trg}${T_REDEPLOY}/`, { auth: basic('x', 'y') }],
      ['GET', '/api/app/v1/nothing/here/', {}],
      ['GET', `/api/app/v1/service/${MISSING}/trigger/`, {}],
      ['DELETE', `${trg}${MISSING}/`, {}],
      ['DELETE', '/api/app/v1/service/not-a-uuid/trigger/x/', {}],
      ['PUT', trg, { body: '{"name":"x"}' }],
      ['PATCH', `${trg}${T_REDEPLOY}/`, { body: '{"name":"renamed"}' }],
      ['GET', `${trg}${T_REDEPLOY}/call/`, {}],
      ['POST', `${trg}${T_REDEPLOY}/call/5/`, { auth: null }],
      ['POST', trg, { body: '{"operation":"redeploy"}' }],
      ['POST', trg, { body: '{"operation":"DESTROY"}' }],
      ['POST', trg, { body: '{"name": ' }],
      ['POST', trg, { body: '{"name":"x"}', type: 'text/plain' }],
      ['POST', trg, { body: '[{"name":"x"}]' }],
      ['POST', trg, { body: JSON.stringify({ name: 'x'.repeat(1000) }) }],
      ['POST', `${trg}${T_REDEPLOY}/call/`, { auth: null, body: 'b'.repeat(1000) }],
      ['GET', `${trg}?limit=abc`, {}],
    ];
    for (const [method, path, opts] of bad) {
      const res = await api.req(method, path, opts);
      expect({ method, path, ok: res.status >= 400 && res.status < 500 }).toEqual({ method, path, ok: true });
      expect(res.json).toEqual({ error: expect.any(String) });
    }
    expect(await snapshot()).toEqual(before);
    expect(api.emu.store.state.actions).toHaveLength(0);
    // And the emulator still serves normal requests.
    const created = await api.post(trg, { name: 'after' });
    expect(created.status).toBe(201);
    expect((await api.get(trg)).json.meta.total_count).toBe(4);
  });
});

describe('seed handling', () => {
  it('matches seeded UUIDs case-insensitively, like the UUIDs of request paths', async () => {
    const SVC = 'ABCDEF01-2345-4678-9ABC-DEF012345678';
    const TRG = 'FEDCBA98-7654-4321-8FED-CBA987654321';
    const api = await start({ seed: [{ uuid: SVC, name: 'upper', triggers: [{ uuid: TRG, operation: 'REDEPLOY' }] }] });
    const svc = await api.get(`/api/app/v1/service/${SVC.toLowerCase()}/`);
    expect(svc.status).toBe(200);
    const trg = await api.get(`/api/app/v1/service/${SVC}/trigger/${TRG}/`);
    expect(trg.status).toBe(200);
    expect((await api.post(`/api/app/v1/service/${SVC}/trigger/${TRG}/call/`, undefined, null)).status).toBe(202);
  });
});
