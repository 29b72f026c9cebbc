// The emulator as clients written against the real API see it: the requests the original Python SDK
// and docker-cloud CLI send (double slashes included), every documented attribute of services, stacks
// and actions with its JSON type and date format, the stack and action lists, Tastypie's paging rules
// and served namespaces. Real HTTP on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { SeedService } from '../src/emulator/store.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';

const WEB = 'aaaa1111-0000-4000-8000-000000000001';
const WORKER = 'aaaa2222-0000-4000-8000-000000000002';
const DB = 'bbbb3333-0000-4000-8000-000000000003';
const REDIS = 'cccc4444-0000-4000-8000-000000000004';
const SLOW = 'dddd5555-0000-4000-8000-000000000005';
const T_DEPLOY = 'eeee0001-0000-4000-8000-00000000000a';
const T_SCALE = 'eeee0002-0000-4000-8000-00000000000b';
const T_SLOW_DEPLOY = 'eeee0003-0000-4000-8000-00000000000c';
const T_SLOW_SCALE = 'eeee0004-0000-4000-8000-00000000000d';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function seed(): SeedService[] {
  return [
    {
      uuid: WEB,
      name: 'web',
      stack: 'demo',
      image_name: 'dockercloud/hello-world:latest',
      target_num_containers: 2,
      triggers: [
        { uuid: T_DEPLOY, name: 'deploy-hook', operation: 'REDEPLOY' },
        { uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' },
      ],
    },
    { uuid: WORKER, name: 'worker', stack: 'demo' },
    { uuid: DB, name: 'db', stack: 'data', state: 'Stopped', target_num_containers: 3 },
    { uuid: REDIS, name: 'redis', stack: null },
    {
      uuid: SLOW,
      name: 'slow',
      stack: 'batch',
      action_duration_ms: 60_000,
      triggers: [
        { uuid: T_SLOW_DEPLOY, name: 'slow-deploy', operation: 'REDEPLOY' },
        { uuid: T_SLOW_SCALE, name: 'slow-scale', operation: 'SCALEUP' },
      ],
    },
  ];
}

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/**
 * One request with the path sent byte for byte as given (no URL normalisation), and the headers the
 * Python SDK sends: JSON content type, its user agent, Basic credentials unless `auth` is null.
 */
function sdk(emu: RunningEmulator, method: string, path: string, opts: { body?: string; auth?: string | null } = {}): Promise<Answer> {
  const url = new URL(emu.url);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'python-dockercloud/1.0.12', accept: '*/*' };
  const auth = opts.auth === undefined ? emu.auth : opts.auth;
  if (auth !== null) headers.authorization = auth;
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function start(opts: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ seed: seed(), ...opts });
  running.push(emu);
  return emu;
}

/** The SDK's Immutable.list(): follows meta.next with offset = offset + limit until it is null. */
async function sdkList(emu: RunningEmulator, path: string, params: Record<string, string> = {}): Promise<any[]> {
  const objects: any[] = [];
  const kwargs = { ...params };
  for (let pages = 0; pages < 100; pages++) {
    const res = await sdk(emu, 'GET', `${path}?${new URLSearchParams(kwargs).toString()}`);
    expect(res.status).toBe(200);
    objects.push(...res.json.objects);
    if (!res.json.meta.next) return objects;
    kwargs.offset = String(res.json.meta.offset + res.json.meta.limit);
    kwargs.limit = String(res.json.meta.limit);
  }
  throw new Error('the pages do not end');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** What the original CLI's strptime("%a, %d %b %Y %H:%M:%S +0000") accepts, as milliseconds. */
function strptime(text: string): number {
  const m = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) \+0000$/.exec(text);
  if (!m || !DAYS.includes(m[1]) || !MONTHS.includes(m[3])) throw new Error(`strptime cannot parse ${JSON.stringify(text)}`);
  const ms = Date.UTC(Number(m[4]), MONTHS.indexOf(m[3]), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  expect(DAYS[new Date(ms).getUTCDay()]).toBe(m[1]);
  return ms;
}

/** The JSON type of each attribute of service.md's example object and attribute table. */
const SERVICE_TYPES: Record<string, string> = {
  autodestroy: 'string',
  autoredeploy: 'boolean',
  autorestart: 'string',
  bindings: 'array',
  cap_add: 'array',
  cap_drop: 'array',
  container_envvars: 'array',
  container_ports: 'array',
  containers: 'array',
  cpu_shares: 'number',
  cpuset: 'string',
  cgroup_parent: 'string',
  cgroup_name: 'string',
  current_num_containers: 'number',
  deployed_datetime: 'date|null',
  deployment_strategy: 'string',
  destroyed_datetime: 'date|null',
  devices: 'array',
  dns: 'array',
  dns_search: 'array',
  domainname: 'string',
  entrypoint: 'string',
  extra_hosts: 'array',
  hostname: 'string',
  image_name: 'string',
  nickname: 'string',
  labels: 'object',
  link_variables: 'object',
  linked_from_service: 'array',
  linked_to_service: 'array',
  mac_address: 'string',
  memory: 'number',
  memory_swap: 'number',
  name: 'string',
  net: 'string',
  pid: 'string',
  privileged: 'boolean',
  public_dns: 'string',
  read_only: 'boolean',
  resource_uri: 'string',
  roles: 'array',
  run_command: 'string',
  running_num_containers: 'number',
  security_opt: 'array',
  sequential_deployment: 'boolean',
  started_datetime: 'date|null',
  state: 'string',
  stack: 'string|null',
  stdin_open: 'boolean',
  stopped_datetime: 'date|null',
  stopped_num_containers: 'number',
  synchronized: 'boolean',
  tags: 'array',
  target_num_containers: 'number',
  tty: 'boolean',
  user: 'string',
  uuid: 'string',
  working_dir: 'string',
};
const STACK_TYPES: Record<string, string> = {
  deployed_datetime: 'date|null',
  destroyed_datetime: 'date|null',
  nickname: 'string',
  name: 'string',
  resource_uri: 'string',
  services: 'array',
  state: 'string',
  synchronized: 'boolean',
  uuid: 'string',
};
const ACTION_TYPES: Record<string, string> = {
  action: 'string',
  end_date: 'date|null',
  ip: 'string',
  is_user_action: 'boolean',
  can_be_canceled: 'boolean',
  can_be_retried: 'boolean',
  location: 'string',
  method: 'string',
  object: 'string',
  path: 'string',
  resource_uri: 'string',
  start_date: 'date',
  state: 'string',
  user: 'string',
  user_agent: 'string',
  uuid: 'string',
};

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string' && /^[A-Z][a-z]{2}, \d/.test(value)) {
    strptime(value);
    return 'date';
  }
  return typeof value;
}

/** Every documented attribute is there with its type (and `extra` ones only); dates parse as the CLI parses them. */
function expectAttributes(obj: Record<string, unknown>, types: Record<string, string>, extra: string[] = []): void {
  expect(Object.keys(obj).sort()).toEqual([...Object.keys(types), ...extra].sort());
  for (const [field, type] of Object.entries(types)) {
    const allowed = type.split('|');
    expect({ field, type: allowed.includes(jsonType(obj[field])) ? type : jsonType(obj[field]) }).toEqual({ field, type });
  }
}

describe('paths with empty segments (the SDK builds resource_uri + "/trigger")', () => {
  it.each([
    { label: 'without namespace', base: '/api/app/v1/' },
    { label: 'with namespace', base: '/api/app/v1/myorg/' },
  ])('every trigger operation answers through service//trigger/, $label', async ({ base }) => {
    const emu = await start();
    const triggers = `${base}service/${WEB}//trigger/`;
    const list = await sdk(emu, 'GET', triggers);
    expect(list.status).toBe(200);
    expect(list.json.objects.map((t: { name: string }) => t.name)).toEqual(['deploy-hook', 'scale-hook']);
    expect(list.json.objects[0].resource_uri).toBe(`${base}service/${WEB}/trigger/${T_DEPLOY}/`);
    expect((await sdk(emu, 'GET', `${triggers}?uuid__startswith=eeee0002`)).json.objects.map((t: { uuid: string }) => t.uuid)).toEqual([
      T_SCALE,
    ]);

    const created = await sdk(emu, 'POST', triggers, { body: JSON.stringify({ name: 'sdk-hook', operation: 'SCALEUP' }) });
    expect(created.status).toBe(201);
    const uuid = created.json.uuid as string;
    expect((await sdk(emu, 'GET', `${triggers}${uuid}/`)).json).toEqual(created.json);
    expect((await sdk(emu, 'GET', `${base}/service//${WEB}///trigger//${uuid}//`)).status).toBe(200);

    const call = await sdk(emu, 'POST', `${triggers}${uuid}/call/`, { auth: null });
    expect(call.status).toBe(202);
    expect(call.headers['x-dockercloud-action-uri']).toMatch(/\/action\/[0-9a-f-]{36}\/$/);
    expect((await sdk(emu, 'POST', `${triggers}${uuid}//call//3/`, { auth: null })).status).toBe(202);
    expect(emu.store.service(WEB)!.target_num_containers).toBe(6);

    expect((await sdk(emu, 'DELETE', `${triggers}${uuid}/`)).status).toBe(204);
    expect((await sdk(emu, 'GET', `${triggers}${uuid}/`)).status).toBe(404);
    expect((await sdk(emu, 'POST', `${triggers}${uuid}/call/`, { auth: null })).status).toBe(404);
  });

  it('a path that starts with two slashes is still a path, not a host', async () => {
    const emu = await start();
    const res = await sdk(emu, 'GET', `//api/app/v1//service/${WEB}/`);
    expect(res.status).toBe(200);
    expect(res.json.uuid).toBe(WEB);
  });
});

describe('stacks', () => {
  it('docker-cloud stack ls: Stack.list() gives every stack with its documented attributes', async () => {
    const emu = await start();
    const stacks = await sdkList(emu, '/api/app/v1/stack/');
    expect(stacks.map((s) => s.name)).toEqual(['demo', 'data', 'batch']);
    for (const s of stacks) {
      expectAttributes(s, STACK_TYPES);
      expect(s.uuid).toMatch(UUID);
      expect(s.resource_uri).toBe(`/api/app/v1/stack/${s.uuid}/`);
      expect(s.nickname).toBe(s.name);
      expect(s.synchronized).toBe(true);
      expect(s.destroyed_datetime).toBeNull();
      expect(Math.abs(strptime(s.deployed_datetime) - Date.now())).toBeLessThan(60_000);
    }
    const [demo, data] = stacks;
    expect(demo.services).toEqual([`/api/app/v1/service/${WEB}/`, `/api/app/v1/service/${WORKER}/`]);
    expect(demo.state).toBe('Running');
    expect(data.services).toEqual([`/api/app/v1/service/${DB}/`]);
    expect(data.state).toBe('Stopped');
  });

  it('filters uuid, uuid__startswith and name; GET stack/(uuid)/; unknown stacks are 404', async () => {
    const emu = await start();
    const all = (await sdk(emu, 'GET', '/api/app/v1/stack/')).json.objects as { uuid: string; name: string }[];
    const demo = all.find((s) => s.name === 'demo')!;
    const names = async (q: string): Promise<string[]> =>
      (await sdk(emu, 'GET', `/api/app/v1/stack/?${q}`)).json.objects.map((s: { name: string }) => s.name);
    expect(await names(`uuid=${demo.uuid}`)).toEqual(['demo']);
    expect(await names(`uuid=${demo.uuid.toUpperCase()}`)).toEqual(['demo']);
    expect(await names(`uuid__startswith=${demo.uuid.slice(0, 8)}`)).toContain('demo');
    expect(await names('name=data')).toEqual(['data']);
    expect(await names('name=nope')).toEqual([]);
    const one = await sdk(emu, 'GET', `/api/app/v1/myorg/stack/${demo.uuid}/`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ name: 'demo', resource_uri: `/api/app/v1/myorg/stack/${demo.uuid}/` });
    expect(one.json.services).toEqual([`/api/app/v1/myorg/service/${WEB}/`, `/api/app/v1/myorg/service/${WORKER}/`]);
    expect((await sdk(emu, 'GET', '/api/app/v1/stack/01234567-89ab-4cde-8f01-234567890abc/')).status).toBe(404);
    expect((await sdk(emu, 'GET', '/api/app/v1/stack/demo/')).status).toBe(404);
    const post = await sdk(emu, 'POST', '/api/app/v1/stack/', { body: '{"name":"new"}' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect((await sdk(emu, 'GET', '/api/app/v1/stack/', { auth: null })).status).toBe(401);
  });

  it('the stack URI of every service leads to its stack, and the service list filters by it', async () => {
    const emu = await start();
    for (const ns of ['', 'myorg/']) {
      const services = await sdkList(emu, `/api/app/v1/${ns}service/`);
      for (const s of services.filter((x) => x.stack !== null)) {
        const stack = await sdk(emu, 'GET', s.stack);
        expect(stack.status).toBe(200);
        expect(stack.json.services).toContain(s.resource_uri);
        const filtered = await sdkList(emu, `/api/app/v1/${ns}service/`, { stack: s.stack });
        expect(filtered.map((x) => x.uuid)).toContain(s.uuid);
        expect(filtered.every((x) => x.stack === s.stack)).toBe(true);
      }
    }
  });
});

describe('the service object', () => {
  it('has every attribute of service.md with its documented type; docker-cloud service ps reads what it needs', async () => {
    const emu = await start();
    const services = await sdkList(emu, '/api/app/v1/service/', {});
    const stacks = Object.fromEntries((await sdkList(emu, '/api/app/v1/stack/')).map((s) => [s.resource_uri, s.name]));
    expect(services).toHaveLength(5);
    for (const s of services) {
      expectAttributes(s, SERVICE_TYPES, ['last_trigger_body']);
      expect(s.synchronized).toBe(true);
      expect(s.nickname).toBe(s.name);
      expect(s.containers).toHaveLength(s.current_num_containers);
      for (const c of s.containers)
        expect(c).toMatch(/^\/api\/app\/v1\/container\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\/$/);
      expect(s.stopped_num_containers).toBe(s.current_num_containers - s.running_num_containers);
      expect(Math.abs(strptime(s.deployed_datetime) - Date.now())).toBeLessThan(60_000);
      expect(s.public_dns).toBe(`${s.name}.${s.stack ? `${stacks[s.stack]}.` : ''}demo.svc.dockerapp.io`);
    }
    const web = services.find((s) => s.uuid === WEB);
    expect(web).toMatchObject({
      state: 'Running',
      current_num_containers: 2,
      running_num_containers: 2,
      image_name: 'dockercloud/hello-world:latest',
    });
    expect(stacks[web.stack]).toBe('demo');
    expect(web.link_variables).toEqual({ WEB_DOCKERCLOUD_API_URL: `${emu.url}/api/app/v1/service/${WEB}/` });
    const db = services.find((s) => s.uuid === DB);
    expect(db).toMatchObject({
      state: 'Stopped',
      target_num_containers: 3,
      current_num_containers: 3,
      running_num_containers: 0,
      stopped_num_containers: 3,
    });
    expect(strptime(db.stopped_datetime)).toBe(strptime(db.deployed_datetime));
    // Containers keep their URIs from one answer to the next.
    expect((await sdk(emu, 'GET', `/api/app/v1/service/${WEB}/`)).json.containers).toEqual(web.containers);
    expect((await sdk(emu, 'GET', `/api/app/v1/myorg/service/${WEB}/`)).json.public_dns).toBe('web.demo.myorg.svc.dockerapp.io');
  });

  it('a SCALEUP raises the counts and shows Scaling while its action runs; a REDEPLOY shows Redeploying', async () => {
    const emu = await start();
    const svc = async (): Promise<any> => (await sdk(emu, 'GET', `/api/app/v1/service/${SLOW}/`)).json;
    const before = await svc();
    expect(before.state).toBe('Running');
    const scale = await sdk(emu, 'POST', `/api/app/v1/service/${SLOW}/trigger/${T_SLOW_SCALE}/call/3/`, { auth: null });
    expect(scale.status).toBe(202);
    const scaling = await svc();
    expect(scaling).toMatchObject({ state: 'Scaling', target_num_containers: 4, current_num_containers: 4, running_num_containers: 4 });
    expect(scaling.containers).toHaveLength(4);
    expect(scaling.containers.slice(0, 1)).toEqual(before.containers);
    expect((await sdk(emu, 'GET', '/api/app/v1/service/?state=Scaling')).json.objects.map((s: { uuid: string }) => s.uuid)).toEqual([SLOW]);
    expect((await sdk(emu, 'GET', scale.headers['x-dockercloud-action-uri'] as string)).json.state).toBe('In progress');

    expect((await sdk(emu, 'POST', `/api/app/v1/service/${SLOW}/trigger/${T_SLOW_DEPLOY}/call/`, { auth: null })).status).toBe(202);
    expect((await svc()).state).toBe('Redeploying');
    const batch = (await sdk(emu, 'GET', '/api/app/v1/stack/?name=batch')).json.objects[0];
    expect(batch.state).toBe('Redeploying');
  });

  it('a REDEPLOY moves deployed_datetime; a stopped service keeps its new containers stopped', async () => {
    const emu = await start({
      seed: [
        { uuid: WEB, name: 'web', triggers: [{ uuid: T_DEPLOY, operation: 'REDEPLOY' }] },
        { uuid: DB, name: 'db', state: 'Stopped', triggers: [{ uuid: T_SCALE, operation: 'SCALEUP' }] },
      ],
    });
    emu.store.service(WEB)!.deployed_ms = Date.UTC(2020, 0, 1);
    expect((await sdk(emu, 'GET', `/api/app/v1/service/${WEB}/`)).json.deployed_datetime).toBe('Wed, 01 Jan 2020 00:00:00 +0000');
    await sdk(emu, 'POST', `/api/app/v1/service/${WEB}/trigger/${T_DEPLOY}/call/`, { auth: null });
    expect(Math.abs(strptime((await sdk(emu, 'GET', `/api/app/v1/service/${WEB}/`)).json.deployed_datetime) - Date.now())).toBeLessThan(
      60_000,
    );
    await sdk(emu, 'POST', `/api/app/v1/service/${DB}/trigger/${T_SCALE}/call/2/`, { auth: null });
    const db = (await sdk(emu, 'GET', `/api/app/v1/service/${DB}/`)).json;
    expect(db).toMatchObject({ state: 'Stopped', current_num_containers: 3, running_num_containers: 0, stopped_num_containers: 3 });
  });
});

describe('actions', () => {
  /** Calls a trigger with no credentials, as a webhook would; resolves with the action's UUID. */
  const callOnce = async (emu: RunningEmulator, service: string, trigger: string, suffix = ''): Promise<string> => {
    const res = await sdk(emu, 'POST', `/api/app/v1/service/${service}/trigger/${trigger}/call/${suffix}`, { auth: null });
    expect(res.status).toBe(202);
    return res.json.uuid;
  };

  it('docker-cloud action ls and action inspect: the list, in chronological order, with every documented attribute', async () => {
    const emu = await start();
    const first = await callOnce(emu, WEB, T_DEPLOY);
    const second = await callOnce(emu, WEB, T_SCALE, '2/');
    const third = await callOnce(emu, SLOW, T_SLOW_DEPLOY);
    // Action.list(25), as `action ls` asks for it.
    const actions = (await sdkList(emu, '/api/audit/v1/action/')).slice(0, 25);
    expect(actions.map((a) => a.uuid)).toEqual([first, second, third]);
    for (const a of actions) {
      expectAttributes(a, ACTION_TYPES);
      expect(a.resource_uri).toBe(`/api/audit/v1/action/${a.uuid}/`);
      expect(a).toMatchObject({ method: 'POST', user: 'demo', ip: '127.0.0.1', user_agent: 'python-dockercloud/1.0.12', location: '' });
      // `action ls` shows the target as the object's path after the version.
      expect(
        a.object
          .replace(/^\/|\/$/g, '')
          .split('/')
          .slice(3)
          .join('/'),
      ).toMatch(/^service\/[0-9a-f-]{36}$/);
      expect(Math.abs(strptime(a.start_date) - Date.now())).toBeLessThan(60_000);
    }
    expect(actions[0]).toMatchObject({
      action: 'Service Redeploy',
      state: 'Success',
      object: `/api/app/v1/service/${WEB}/`,
      path: `/api/app/v1/service/${WEB}/redeploy/`,
    });
    expect(actions[1]).toMatchObject({ action: 'Service Scale', path: `/api/app/v1/service/${WEB}/scale/` });
    expect(actions[2]).toMatchObject({ state: 'In progress', end_date: null });
    // No trigger UUID is kept in the audit trail: the call URL is a secret.
    expect(JSON.stringify(actions)).not.toMatch(/eeee000/);
    // `action inspect <prefix>`: Action.list(uuid__startswith=...) finds one, then Action.fetch() reads it.
    const found = await sdkList(emu, '/api/audit/v1/action/', { uuid__startswith: second.slice(0, 8) });
    expect(found.map((a) => a.uuid)).toEqual([second]);
    const fetched = await sdk(emu, 'GET', `/api/audit/v1/action/${second}/`);
    expect(fetched.json).toEqual(actions[1]);
    expect((await sdk(emu, 'GET', '/api/audit/v1/myorg/action/')).json.objects[0].resource_uri).toBe(
      `/api/audit/v1/myorg/action/${first}/`,
    );
    expect((await sdk(emu, 'GET', '/api/audit/v1/action/', { auth: null })).status).toBe(401);
    expect((await sdk(emu, 'POST', '/api/audit/v1/action/', { body: '{}' })).status).toBe(405);
  });

  it('filters uuid, state, object with include_related, and the dates to the second', async () => {
    const emu = await start();
    const web1 = await callOnce(emu, WEB, T_DEPLOY);
    const worker = await callOnce(emu, SLOW, T_SLOW_SCALE);
    const web2 = await callOnce(emu, WEB, T_SCALE);
    const uuids = async (q: Record<string, string>): Promise<string[]> => {
      const res = await sdk(emu, 'GET', `/api/audit/v1/action/?${new URLSearchParams(q).toString()}`);
      expect(res.status).toBe(200);
      return res.json.objects.map((a: { uuid: string }) => a.uuid);
    };
    expect(await uuids({ uuid: web2 })).toEqual([web2]);
    expect(await uuids({ state: 'Success' })).toEqual([web1, web2]);
    expect(await uuids({ state: 'In progress' })).toEqual([worker]);
    expect(await uuids({ object: `/api/app/v1/service/${WEB}/` })).toEqual([web1, web2]);
    expect(await uuids({ object: `/api/app/v1/myorg/service/${SLOW}/`, include_related: 'false' })).toEqual([worker]);
    const demo = (await sdk(emu, 'GET', '/api/app/v1/stack/?name=demo')).json.objects[0];
    expect(await uuids({ object: demo.resource_uri })).toEqual([]);
    expect(await uuids({ object: demo.resource_uri, include_related: 'true' })).toEqual([web1, web2]);
    const container = (await sdk(emu, 'GET', `/api/app/v1/service/${WEB}/`)).json.containers[0];
    expect(await uuids({ object: container, include_related: 'true' })).toEqual([web1, web2]);

    const started = (await sdk(emu, 'GET', `/api/audit/v1/action/${web1}/`)).json.start_date as string;
    const startMs = strptime(started);
    expect(await uuids({ start_date__gte: started })).toEqual([web1, worker, web2]);
    expect(await uuids({ start_date__lte: started })).toContain(web1);
    expect(await uuids({ start_date__gte: new Date(startMs + 60_000).toISOString() })).toEqual([]);
    expect(await uuids({ start_date__lte: new Date(startMs - 60_000).toISOString().slice(0, 19) })).toEqual([]);
    expect(await uuids({ end_date__gte: started })).toEqual([web1, web2]);
    expect(await uuids({ end_date__lte: new Date(startMs + 60_000).toISOString() })).toEqual([web1, web2]);

    for (const q of [
      'start_date__gte=yesterday',
      'end_date__lte=2026-13-45',
      'include_related=yes',
      `object=/api/app/v1/service/${WEB}/&state=Success`,
    ]) {
      const res = await sdk(emu, 'GET', `/api/audit/v1/action/?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.json).toEqual({ error: expect.any(String) });
    }
  });
});

describe('paging, as Tastypie pages', () => {
  const many = (): SeedService[] => [
    { uuid: WEB, name: 'web', triggers: Array.from({ length: 60 }, (_, i) => ({ name: `t${String(i).padStart(2, '0')}` })) },
  ];
  const path = `/api/app/v1/service/${WEB}/trigger/`;

  it('limit=0 gives every object up to the largest page, and meta.limit says so', async () => {
    const emu = await start({ seed: many(), pageSize: 25 });
    const res = await sdk(emu, 'GET', `${path}?limit=0`);
    expect(res.json.meta).toEqual({ limit: 1000, offset: 0, next: null, previous: null, total_count: 60 });
    expect(res.json.objects).toHaveLength(60);
  });

  it('a limit over the largest page is capped; an offset past the end gives an empty page without next', async () => {
    const emu = await start({ seed: many(), pageSize: 25 });
    const capped = await sdk(emu, 'GET', `${path}?limit=5000`);
    expect(capped.json.meta.limit).toBe(1000);
    expect(capped.json.objects).toHaveLength(60);
    const past = await sdk(emu, 'GET', `${path}?offset=60&limit=10`);
    expect(past.json.objects).toEqual([]);
    expect(past.json.meta).toMatchObject({ limit: 10, offset: 60, next: null, total_count: 60 });
  });
});

describe('namespaces', () => {
  const paths = (ns: string): string[] => [
    `/api/app/v1/${ns}service/`,
    `/api/app/v1/${ns}service/${WEB}/`,
    `/api/app/v1/${ns}service/${WEB}/trigger/`,
    `/api/app/v1/${ns}service/${WEB}/trigger/${T_DEPLOY}/`,
    `/api/app/v1/${ns}stack/`,
    `/api/audit/v1/${ns}action/`,
  ];

  it('by default, any namespace is served', async () => {
    const emu = await start();
    for (const p of paths('anyone/')) expect({ p, status: (await sdk(emu, 'GET', p)).status }).toEqual({ p, status: 200 });
    expect((await sdk(emu, 'POST', `/api/app/v1/anyone/service/${WEB}/trigger/${T_DEPLOY}/call/`, { auth: null })).status).toBe(202);
  });

  it("with namespaces given, those, the user's own and none are served; any other is not found", async () => {
    const emu = await start({ namespaces: ['myorg', 'team'] });
    for (const ns of ['', 'myorg/', 'team/', 'demo/']) {
      for (const p of paths(ns)) expect({ p, status: (await sdk(emu, 'GET', p)).status }).toEqual({ p, status: 200 });
    }
    for (const p of paths('otherorg/')) {
      const res = await sdk(emu, 'GET', p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.json).toEqual({ error: expect.any(String) });
      // Without credentials it is still a 401: nothing tells a stranger which namespaces exist.
      expect((await sdk(emu, 'GET', p, { auth: null })).status).toBe(401);
    }
    const call = `service/${WEB}/trigger/${T_DEPLOY}/call/`;
    expect((await sdk(emu, 'POST', `/api/app/v1/otherorg/${call}`, { auth: null })).status).toBe(404);
    expect(emu.store.state.actions).toHaveLength(0);
    expect((await sdk(emu, 'POST', `/api/app/v1/team/${call}`, { auth: null })).status).toBe(202);
    expect((await sdk(emu, 'DELETE', `/api/app/v1/otherorg/service/${WEB}/trigger/${T_DEPLOY}/`)).status).toBe(404);
    expect(emu.store.service(WEB)!.triggers).toHaveLength(2);
  });
});
