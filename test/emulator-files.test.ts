// Seed and data files on the built emulator: malformed files stop it at start with one line naming the
// file, the object and the field; a change that cannot be saved is undone and answered 500; temporary
// files are cleaned up; the action history stays bounded in the file.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basic } from './helpers/account.js';
import { deadPid } from './helpers/net.js';
import { cleanUpProcesses, runEmulator, startEmulatorProcess, tempDir, type EmulatorProcess } from './helpers/emulator-process.js';

afterEach(cleanUpProcesses);

const AUTH = basic('demo', 'demo-apikey');
const SVC = '5a5a5a5a-0000-4000-8000-000000000001';
const TRG = '6b6b6b6b-0000-4000-8000-000000000002';

async function api(
  emu: EmulatorProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text === '' ? undefined : JSON.parse(text) };
}

/** Starts the emulator on `args` and expects it to stop at once: exit 1, one line on stderr. */
async function stopsWith(args: string[]): Promise<string> {
  const p = runEmulator(['--port', '0', ...args]);
  expect(await p.exited).toEqual({ code: 1, signal: null });
  expect(p.stdout()).toBe('');
  const lines = p.stderr().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(p.stderr()).not.toMatch(/^\s+at /m);
  return lines[0];
}

describe('malformed seed files', () => {
  const service = (extra: object): object => ({ uuid: SVC, name: 'api', ...extra });
  it.each([
    { label: 'triggers: "abc"', seed: [service({ triggers: 'abc' })], says: 'service #1 (api): triggers must be a list, not "abc"' },
    { label: 'triggers: [null]', seed: [service({ triggers: [null] })], says: 'service #1 (api), trigger #1 must be an object, not null' },
    {
      label: 'operation: 5',
      seed: [service({ triggers: [{ operation: 5 }] })],
      says: 'service #1 (api), trigger #1: operation must be REDEPLOY or SCALEUP, not 5',
    },
    {
      label: 'target_num_containers: "1"',
      seed: [service({ target_num_containers: '1' })],
      says: 'service #1 (api): target_num_containers must be a whole number from 0 to 10000, not "1"',
    },
    { label: 'uuid: "x"', seed: [{ name: 'web' }, service({ uuid: 'x' })], says: 'service #2 (api): uuid must be a UUID, not "x"' },
    {
      label: 'a trigger uuid: "x"',
      seed: [service({ triggers: [{ uuid: 'x' }] })],
      says: 'service #1 (api), trigger #1: uuid must be a UUID, not "x"',
    },
    { label: 'a service that is null', seed: [null], says: 'service #1 must be an object, not null' },
    {
      label: 'no name',
      seed: [{ stack: 'x' }],
      says: 'service #1: name must be a non-blank string of at most 256 characters, not nothing',
    },
    { label: 'a misspelt field', seed: [service({ trigers: [] })], says: 'service #1 (api): unknown field "trigers"' },
    { label: 'an unknown state', seed: [service({ state: 'Sleeping' })], says: 'service #1 (api): state must be one of "Not running",' },
    {
      label: 'a negative count',
      seed: [service({ target_num_containers: -1 })],
      says: 'target_num_containers must be a whole number from 0 to 10000, not -1',
    },
    {
      label: 'a fractional duration',
      seed: [service({ action_duration_ms: 1.5 })],
      says: 'action_duration_ms must be a whole number from 0 to 86400000, not 1.5',
    },
    {
      label: 'an unknown result',
      seed: [service({ action_result: 'Maybe' })],
      says: 'action_result must be one of "Success", "Failed", not "Maybe"',
    },
    { label: 'an empty stack name', seed: [service({ stack: '' })], says: 'service #1 (api): stack must be null or a non-blank string' },
    {
      label: 'two services with one UUID',
      seed: [service({}), service({ name: 'again' })],
      says: `service #2 (again): uuid ${SVC} is already the UUID of service api`,
    },
    {
      label: 'a trigger with the UUID of a service',
      seed: [service({ triggers: [{ uuid: SVC }] })],
      says: `trigger #1: uuid ${SVC} is already the UUID of service api`,
    },
    { label: 'an object without services', seed: { servces: [] }, says: 'unknown field "servces"' },
    { label: 'a number', seed: 5, says: 'must be a list of services or {"services": [...]}, not 5' },
  ])('$label: one line naming the file, the object and the field; exit 1', async ({ seed, says }) => {
    const file = join(tempDir(), 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    const line = await stopsWith(['--seed', file]);
    expect(line.startsWith(`Error: ${file}`)).toBe(true);
    expect(line).toContain(says);
  });
});

/** A data file of the current version around one service with one trigger; `patch` changes it. */
function dataFile(patch: (state: any) => void = () => {}): string {
  const state: any = {
    version: 3,
    services: [
      {
        uuid: SVC,
        name: 'web',
        image_name: 'web:latest',
        state: 'Running',
        stack: { uuid: '7c7c7c7c-0000-4000-8000-000000000003', name: 'demo' },
        target_num_containers: 2,
        current_num_containers: 2,
        running_num_containers: 2,
        last_trigger_body: null,
        deployed_ms: 1_700_000_000_000,
        started_ms: 1_690_000_000_000,
        stopped_ms: null,
        destroyed_ms: null,
        action_duration_ms: 0,
        action_result: 'Success',
        triggers: [{ uuid: TRG, name: 'hook', operation: 'REDEPLOY' }],
      },
    ],
    actions: [],
  };
  patch(state);
  const file = join(tempDir(), 'state.json');
  writeFileSync(file, JSON.stringify(state));
  return file;
}

const action = (i: number): object => ({
  uuid: `0000${String(i).padStart(4, '0')}-0000-4000-8000-000000000000`,
  action: 'Service Redeploy',
  service_uuid: SVC,
  start_ms: 1_700_000_000_000 + i * 1000,
  end_ms: 1_700_000_000_000 + i * 1000,
  result: 'Success',
  path: `/api/app/v1/service/${SVC}/redeploy/`,
  user: 'demo',
  ip: '127.0.0.1',
  user_agent: 'curl/8',
});

describe('malformed data files', () => {
  it.each([
    {
      label: 'a count that is text',
      patch: (s: any) => (s.services[0].current_num_containers = '2'),
      says: 'service #1 (web): current_num_containers must be',
    },
    {
      label: 'more running than current',
      patch: (s: any) => (s.services[0].running_num_containers = 3),
      says: 'running_num_containers must be a whole number from 0 to current_num_containers (2), not 3',
    },
    {
      label: 'a lowercase operation',
      patch: (s: any) => (s.services[0].triggers[0].operation = 'redeploy'),
      says: 'service #1 (web), trigger #1: operation must be one of "REDEPLOY", "SCALEUP"',
    },
    {
      label: 'a stack without a UUID',
      patch: (s: any) => (s.services[0].stack = { name: 'demo' }),
      says: 'service #1 (web), stack: uuid must be a UUID, not nothing',
    },
    {
      label: 'a body that is a number',
      patch: (s: any) => (s.services[0].last_trigger_body = 5),
      says: 'last_trigger_body must be null or a string, not 5',
    },
    {
      label: 'an action that ends before it starts',
      patch: (s: any) => s.actions.push({ ...action(1), end_ms: 0 }),
      says: 'action #1: end_ms must be a time in milliseconds since 1970 (years 1970 to 9999), not before start_ms',
    },
    {
      label: 'a deploy time after the year 9999',
      patch: (s: any) => (s.services[0].deployed_ms = Date.UTC(10000, 0, 1)),
      says: 'service #1 (web): deployed_ms must be null or a time in milliseconds since 1970 (years 1970 to 9999), not 253402300800000',
    },
    {
      label: 'a start time that is text',
      patch: (s: any) => (s.services[0].started_ms = 'yesterday'),
      says: 'service #1 (web): started_ms must be null or a time in milliseconds since 1970 (years 1970 to 9999), not "yesterday"',
    },
    {
      label: 'no stop time',
      patch: (s: any) => delete s.services[0].stopped_ms,
      says: 'service #1 (web): stopped_ms must be null or a time in milliseconds since 1970 (years 1970 to 9999), not nothing',
    },
    {
      label: 'an action in the year 275760',
      patch: (s: any) => s.actions.push({ ...action(1), start_ms: 8.64e15, end_ms: 8.64e15 }),
      says: 'action #1: start_ms must be a time in milliseconds since 1970 (years 1970 to 9999), not 8640000000000000',
    },
    {
      label: 'an action before 1970',
      patch: (s: any) => s.actions.push({ ...action(1), start_ms: -1000 }),
      says: 'action #1: start_ms must be a time in milliseconds since 1970 (years 1970 to 9999), not -1000',
    },
    {
      label: 'an action of no service',
      patch: (s: any) => s.actions.push({ ...action(1), service_uuid: TRG }),
      says: 'action #1: service_uuid must be the UUID of a service of the file',
    },
    { label: 'a version from the future', patch: (s: any) => (s.version = 4), says: 'is not an emulator data file' },
  ])('$label: one line naming the file, the object and the field; exit 1; the file is left as it was', async ({ patch, says }) => {
    const file = dataFile(patch);
    const before = readFileSync(file, 'utf8');
    const line = await stopsWith(['--data', file]);
    expect(line.startsWith(`Error: ${file}`)).toBe(true);
    expect(line).toContain(says);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a number too large to be finite (1e400) is named as such, not as the null JSON makes of it', async () => {
    const file = dataFile();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"deployed_ms":1700000000000', '"deployed_ms":1e400'));
    const line = await stopsWith(['--data', file]);
    expect(line).toBe(
      `Error: ${file}: service #1 (web): deployed_ms must be null or a time in milliseconds since 1970 (years 1970 to 9999), not a number too large to be finite`,
    );
    const seed = join(tempDir(), 'seed.json');
    writeFileSync(seed, '[{"name": "api", "target_num_containers": -1e400}]');
    expect(await stopsWith(['--seed', seed])).toBe(
      `Error: ${seed}: service #1 (api): target_num_containers must be a whole number from 0 to 10000, not a number too large to be finite`,
    );
  });

  it('a data file of version 1 is read, and written as version 3 at the next change', async () => {
    const file = dataFile((s) => {
      s.version = 1;
      for (const field of ['deployed_ms', 'started_ms', 'stopped_ms', 'destroyed_ms']) delete s.services[0][field];
      s.actions.push({
        uuid: '0000aaaa-0000-4000-8000-000000000000',
        action: 'Service Scale',
        service_uuid: SVC,
        start_ms: 1,
        end_ms: 2,
        result: 'Failed',
      });
    });
    const emu = await startEmulatorProcess(['--data', file]);
    const svc = await api(emu, 'GET', `/api/app/v1/service/${SVC}/`);
    expect(svc.json.deployed_datetime).toMatch(/\+0000$/);
    const old = await api(emu, 'GET', '/api/audit/v1/action/0000aaaa-0000-4000-8000-000000000000/');
    expect(old.json).toMatchObject({ state: 'Failed', path: `/api/app/v1/service/${SVC}/scale/`, user: '', ip: '' });
    expect((await api(emu, 'POST', `/api/app/v1/service/${SVC}/trigger/`, { name: 'new' })).status).toBe(201);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(3);
  });

  it('a data file of version 2, which kept the deploy time alone, shows the dates it showed, and is written as version 3', async () => {
    const deployed = Date.UTC(2026, 0, 2, 3, 4, 5);
    const file = dataFile((s) => {
      s.version = 2;
      for (const field of ['started_ms', 'stopped_ms', 'destroyed_ms']) delete s.services[0][field];
      Object.assign(s.services[0], { state: 'Stopped', running_num_containers: 0, deployed_ms: deployed });
    });
    const emu = await startEmulatorProcess(['--data', file]);
    const date = 'Fri, 02 Jan 2026 03:04:05 +0000';
    const dates = { deployed_datetime: date, started_datetime: date, stopped_datetime: date, destroyed_datetime: null };
    expect((await api(emu, 'GET', `/api/app/v1/service/${SVC}/`)).json).toMatchObject(dates);
    expect((await api(emu, 'POST', `/api/app/v1/service/${SVC}/trigger/`, { name: 'new' })).status).toBe(201);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.version).toBe(3);
    expect(saved.services[0]).toMatchObject({ deployed_ms: deployed, started_ms: deployed, stopped_ms: deployed, destroyed_ms: null });
  });
});

describe('the action history in the data file', () => {
  it('a file with more than 1,000 actions serves the newest 1,000', async () => {
    const file = dataFile((s) => s.actions.push(...Array.from({ length: 1200 }, (_, i) => action(i))));
    const emu = await startEmulatorProcess(['--data', file]);
    const list = await api(emu, 'GET', '/api/audit/v1/action/?limit=0');
    expect(list.json.meta.total_count).toBe(1000);
    expect(list.json.objects[0].uuid).toBe((action(200) as { uuid: string }).uuid);
    expect((await api(emu, 'GET', `/api/audit/v1/action/${(action(199) as { uuid: string }).uuid}/`)).status).toBe(404);
    const call = await fetch(`${emu.url}/api/app/v1/service/${SVC}/trigger/${TRG}/call/`, { method: 'POST' });
    expect(call.status).toBe(202);
    await call.body?.cancel();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.actions).toHaveLength(1000);
    expect(saved.actions[0].uuid).toBe((action(201) as { uuid: string }).uuid);
  });
});

describe('a change that cannot be saved', () => {
  it("with the data file's folder removed: create, rm and call answer 500, change nothing, and log one line each", async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify([{ uuid: SVC, name: 'web', triggers: [{ uuid: TRG, name: 'hook', operation: 'SCALEUP' }] }]),
    );
    const emu = await startEmulatorProcess(['--data', file, '--seed', join(dir, 'seed.json')]);
    rmSync(dir, { recursive: true });

    const created = await api(emu, 'POST', `/api/app/v1/service/${SVC}/trigger/`, { name: 'lost' });
    expect(created.status).toBe(500);
    expect(created.text.split('\n')).toHaveLength(1);
    expect(created.json).toEqual({ error: expect.stringMatching(/could not be saved/) });
    const removed = await api(emu, 'DELETE', `/api/app/v1/service/${SVC}/trigger/${TRG}/`);
    expect(removed.status).toBe(500);
    const called = await fetch(`${emu.url}/api/app/v1/service/${SVC}/trigger/${TRG}/call/2/`, { method: 'POST', body: 'payload' });
    expect(called.status).toBe(500);
    expect(called.headers.get('x-dockercloud-action-uri')).toBeNull();
    await called.body?.cancel();

    const triggers = await api(emu, 'GET', `/api/app/v1/service/${SVC}/trigger/`);
    expect(triggers.json.objects.map((t: { uuid: string }) => t.uuid)).toEqual([TRG]);
    expect((await api(emu, 'GET', `/api/app/v1/service/${SVC}/`)).json).toMatchObject({
      target_num_containers: 1,
      last_trigger_body: null,
      state: 'Running',
    });
    expect((await api(emu, 'GET', '/api/audit/v1/action/')).json.meta.total_count).toBe(0);
    const log = emu.stderr().split('\n');
    expect(log).toEqual([...Array(3).fill(`dockercloud-emulator: cannot save ${file}: ENOENT; the change was undone`), '']);

    // Once the folder is back, changes are saved again.
    mkdirSync(dir);
    expect((await api(emu, 'POST', `/api/app/v1/service/${SVC}/trigger/`, { name: 'kept' })).status).toBe(201);
    expect(JSON.parse(readFileSync(file, 'utf8')).services[0].triggers.map((t: { name: string }) => t.name)).toEqual(['hook', 'kept']);
  });

  it('on a full disk (files limited in size): the half-written temporary file is removed, the data file keeps what was answered', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const emu = await startEmulatorProcess(['--data', file], { fileSizeLimit: 8 });
    const acknowledged: string[] = [];
    let failed: { status: number; json: any } | undefined;
    for (let i = 0; i < 40 && !failed; i++) {
      const res = await api(emu, 'GET', '/api/app/v1/service/?name=web');
      const web = res.json.objects[0].uuid as string;
      const created = await api(emu, 'POST', `/api/app/v1/service/${web}/trigger/`, { name: `${i}-${'n'.repeat(250)}` });
      if (created.status === 201) acknowledged.push(created.json.uuid);
      else failed = created;
    }
    expect(failed?.status).toBe(500);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'state.json.lock']);
    expect(emu.stderr()).toMatch(/^dockercloud-emulator: cannot save .*state\.json: EFBIG; the change was undone\n$/);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.services.flatMap((s: { triggers: { uuid: string }[] }) => s.triggers.map((t) => t.uuid))).toEqual(acknowledged);
    const listed = await api(emu, 'GET', '/api/app/v1/service/?name=web');
    const web = listed.json.objects[0].uuid as string;
    expect(
      (await api(emu, 'GET', `/api/app/v1/service/${web}/trigger/?limit=0`)).json.objects.map((t: { uuid: string }) => t.uuid),
    ).toEqual(acknowledged);
  });

  it('temporary files an earlier run left behind (killed while saving) are removed at start; other files stay', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const gone = await deadPid();
    const left = [`state.json.${gone}.0.tmp`, `state.json.${gone}.17.tmp`];
    // Those of a process that still runs (this one) may be a save in progress: they stay too.
    const others = ['state.json.bak', `other.json.${gone}.0.tmp`, 'state.json.tmp', `state.json.${process.pid}.3.tmp`];
    for (const name of [...left, ...others]) writeFileSync(join(dir, name), '{"version": 2, "serv');
    const emu = await startEmulatorProcess(['--data', file]);
    expect(readdirSync(dir).sort()).toEqual([...others, 'state.json', 'state.json.lock'].sort());
    expect(existsSync(file)).toBe(true);
    await emu.stop();
  });
});

describe('one emulator per data file', () => {
  it('a second emulator on the same data file refuses to start, naming the file and its holder; the first loses nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const first = await startEmulatorProcess(['--data', file]);
    const pid = first.child.pid!;
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${pid}\n`);
    // A save of the first one, under way.
    const saving = join(dir, `state.json.${pid}.7.tmp`);
    writeFileSync(saving, '{"version"');

    const line = await stopsWith(['--data', file]);
    expect(line).toBe(`Error: ${file} is in use by another dockercloud-emulator (process ${pid}, which holds ${file}.lock)`);
    expect(existsSync(saving)).toBe(true);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${pid}\n`);

    const web = (await api(first, 'GET', '/api/app/v1/service/?name=web')).json.objects[0].uuid as string;
    const created = await api(first, 'POST', `/api/app/v1/service/${web}/trigger/`, { name: 'kept' });
    expect(created.status).toBe(201);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.services.flatMap((s: { triggers: { uuid: string }[] }) => s.triggers.map((t) => t.uuid))).toEqual([created.json.uuid]);
    expect(await first.stop()).toEqual({ code: 0, signal: null });
  });

  it('a lock left by a process that is gone is taken over; it goes when its emulator stops', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(`${file}.lock`, `${await deadPid()}\n`);
    const emu = await startEmulatorProcess(['--data', file]);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${emu.child.pid}\n`);
    expect(await emu.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(readdirSync(dir)).toEqual(['state.json']);

    // A lock that is not a process id (cut short, say) holds nothing either.
    writeFileSync(`${file}.lock`, '');
    const again = await startEmulatorProcess(['--data', file]);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${again.child.pid}\n`);
    await again.stop();
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('an emulator that stops at start (a malformed data file) leaves no lock behind', async () => {
    const file = dataFile((s) => (s.services[0].current_num_containers = '2'));
    await stopsWith(['--data', file]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
