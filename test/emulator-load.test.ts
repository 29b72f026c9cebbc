// The emulator under load and abuse: concurrent creates and calls, SIGKILL during a stream of writes
// with --data, bodies over the limit, slow clients, malformed requests. Real HTTP on loopback only.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { SeedService, State } from '../src/emulator/store.js';
import { basic } from './helpers/account.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';
import { cleanUpProcesses, startEmulatorProcess, tempDir } from './helpers/emulator-process.js';

const SVC = '2a2a2a2a-0000-4000-8000-000000000001';
const T_REDEPLOY = '8a8a8a8a-0000-4000-8000-00000000000a';
const T_SCALE = '8b8b8b8b-0000-4000-8000-00000000000b';
const AUTH = basic(USER, APIKEY);
const TRIGGERS = `/api/app/v1/service/${SVC}/trigger/`;
const callPath = (trig: string): string => `${TRIGGERS}${trig}/call/`;

function seed(): SeedService[] {
  return [
    {
      uuid: SVC,
      name: 'web',
      stack: null,
      target_num_containers: 2,
      triggers: [
        { uuid: T_REDEPLOY, name: 'deploy-hook', operation: 'REDEPLOY' },
        { uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' },
      ],
    },
  ];
}

const emulators: RunningEmulator[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
  await cleanUpProcesses();
});

async function emulator(opts: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ seed: seed(), ...opts });
  emulators.push(emu);
  return emu;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request on its own connection, with the path sent exactly as given (no normalisation of '..').
 * `chunked` sends the body without a Content-Length.
 */
function send(
  base: string,
  method: string,
  path: string,
  opts: { body?: string | Buffer; type?: string; auth?: boolean; chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(base);
  const headers: Record<string, string | number> = { accept: 'application/json', ...opts.headers };
  if (opts.auth !== false) headers.authorization = AUTH;
  if (opts.body !== undefined) {
    if (opts.type !== undefined) headers['content-type'] = opts.type;
    if (!opts.chunked) headers['content-length'] = Buffer.byteLength(opts.body);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const createTrigger = (base: string, name: string): Promise<Answer> =>
  send(base, 'POST', TRIGGERS, { body: JSON.stringify({ name, operation: 'REDEPLOY' }), type: 'application/json' });

/** Sends raw bytes on a new connection; resolves with everything the server sent once it closes. */
function rawExchange(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(url.port), url.hostname, () => s.write(bytes));
    sockets.push(s);
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(got));
  });
}

/**
 * A slow client: connects, sends `bytes` (the start of a request) and then nothing. `received()` is
 * what the server has sent it so far; `closed` resolves when the server closes the connection.
 */
async function slowClient(base: string, bytes: string): Promise<{ received: () => string; closed: Promise<void> }> {
  const url = new URL(base);
  const slow = connect(Number(url.port), url.hostname);
  sockets.push(slow);
  let received = '';
  slow.on('data', (c: Buffer) => (received += c.toString()));
  slow.on('error', () => {});
  const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
  await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
  slow.write(bytes);
  return { received: () => received, closed };
}

/** A request whose headers promise a body of 100 bytes, and the first few bytes of that body. */
const PARTIAL_POST = `POST ${TRIGGERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`;

describe('concurrent requests', () => {
  it('200 concurrent creates on one service: exactly 200 new triggers with distinct UUIDs, all saved', async () => {
    const file = join(tempDir(), 'state.json');
    const emu = await emulator({ dataFile: file });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => createTrigger(emu.url, `load-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(201));
    const uuids = answers.map((a) => (JSON.parse(a.text) as { uuid: string }).uuid);
    expect(new Set(uuids).size).toBe(200);
    const triggers = emu.store.service(SVC)!.triggers;
    expect(triggers).toHaveLength(202);
    expect(new Set(triggers.map((t) => t.uuid)).size).toBe(202);
    expect(triggers.map((t) => t.uuid)).toEqual(expect.arrayContaining(uuids));
    expect(new Set(triggers.map((t) => t.name))).toEqual(
      new Set(['deploy-hook', 'scale-hook', ...Array.from({ length: 200 }, (_, i) => `load-${i}`)]),
    );
    const saved = JSON.parse(readFileSync(file, 'utf8')) as State;
    expect(saved.services[0].triggers.map((t) => t.uuid).sort()).toEqual(triggers.map((t) => t.uuid).sort());
    // The list agrees.
    const list = JSON.parse((await send(emu.url, 'GET', `${TRIGGERS}?limit=1000`)).text) as { meta: { total_count: number } };
    expect(list.meta.total_count).toBe(202);
  });

  it('200 concurrent SCALEUP calls: target_num_containers up by exactly 200, 200 actions', async () => {
    const emu = await emulator();
    const before = emu.store.service(SVC)!.target_num_containers;
    const answers = await Promise.all(Array.from({ length: 200 }, () => send(emu.url, 'POST', callPath(T_SCALE), { auth: false })));
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(202));
    const actionUris = answers.map((a) => a.headers['x-dockercloud-action-uri']);
    expect(new Set(actionUris).size).toBe(200);
    expect(emu.store.service(SVC)!.target_num_containers).toBe(before + 200);
    expect(emu.store.state.actions).toHaveLength(200);
    expect(emu.store.state.actions.every((a) => a.action === 'Service Scale' && a.service_uuid === SVC)).toBe(true);
    const service = JSON.parse((await send(emu.url, 'GET', `/api/app/v1/service/${SVC}/`)).text) as { target_num_containers: number };
    expect(service.target_num_containers).toBe(before + 200);
  });
});

describe('--data survives SIGKILL', () => {
  it('every create answered 201 before a kill -9 is there after a restart; 5 rounds', async () => {
    const dir = tempDir();
    const file = join(dir, 'state.json');
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed()));
    const acked = new Set<string>();
    const attempted = new Set<string>();
    let proc = await startEmulatorProcess(['--data', file, '--seed', seedFile]);
    for (let round = 0; round < 5; round++) {
      // Writers create triggers as fast as they can; the kill comes after a random number of answers
      // (or after a second of writes), while other creates are in flight.
      const killAfter = 5 + Math.floor(Math.random() * 60);
      let stop = false;
      let roundAcks = 0;
      let killed!: () => void;
      const killNow = new Promise<void>((resolve) => (killed = resolve));
      const limit = setTimeout(() => killed(), 1000);
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const name = `r${round}-w${w}-${i}`;
          attempted.add(name);
          try {
            const a = await createTrigger(proc.url, name);
            if (a.status === 201) {
              acked.add((JSON.parse(a.text) as { uuid: string }).uuid);
              if (++roundAcks >= killAfter) killed();
            }
          } catch {
            return; // the process is gone
          }
        }
      };
      const writers = Array.from({ length: 4 }, (_, w) => writer(w));
      await killNow;
      clearTimeout(limit);
      proc.child.kill('SIGKILL');
      stop = true;
      await proc.exited;
      await Promise.all(writers);
      expect(proc.child.signalCode).toBe('SIGKILL');
      expect(roundAcks).toBeGreaterThan(0);

      // The file is whole JSON, and the restarted emulator serves everything that was acknowledged.
      const saved = JSON.parse(readFileSync(file, 'utf8')) as State;
      const savedUuids = new Set(saved.services[0].triggers.map((t) => t.uuid));
      proc = await startEmulatorProcess(['--data', file, '--seed', seedFile]);
      const list = JSON.parse((await send(proc.url, 'GET', `${TRIGGERS}?limit=1000`)).text) as {
        objects: { uuid: string; name: string }[];
      };
      const served = new Set(list.objects.map((t) => t.uuid));
      const lost = [...acked].filter((u) => !served.has(u) || !savedUuids.has(u));
      expect(lost, `round ${round}: acknowledged creates missing after the restart`).toEqual([]);
      // Nothing appears that was never asked for.
      for (const t of list.objects) if (t.uuid !== T_REDEPLOY && t.uuid !== T_SCALE) expect(attempted.has(t.name)).toBe(true);
    }
    expect(acked.size).toBeGreaterThanOrEqual(5);
    proc.child.kill('SIGKILL');
    await proc.exited;
  });
});

describe('limits and abuse', () => {
  it('a body over the limit gets 413, declared or streamed; a trigger call with one changes nothing', async () => {
    const emu = await emulator({ maxBody: 1024 });
    const big = JSON.stringify({ name: 'x'.repeat(2000), operation: 'REDEPLOY' });
    const declared = await send(emu.url, 'POST', TRIGGERS, { body: big, type: 'application/json' });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toEqual({ error: 'Request body larger than 1024 bytes' });
    const streamed = await send(emu.url, 'POST', TRIGGERS, { body: big, type: 'application/json', chunked: true });
    expect(streamed.status).toBe(413);
    const before = emu.store.service(SVC)!.target_num_containers;
    const call = await send(emu.url, 'POST', callPath(T_SCALE), { body: 'y'.repeat(5000), auth: false });
    expect(call.status).toBe(413);
    expect(emu.store.service(SVC)!.target_num_containers).toBe(before);
    expect(emu.store.state.actions).toHaveLength(0);
    expect(emu.store.service(SVC)!.triggers).toHaveLength(2);
    // Just under the limit is fine.
    const small = await createTrigger(emu.url, 'n'.repeat(200));
    expect(small.status).toBe(201);
  });

  const PARTIAL_HEADERS = `GET ${TRIGGERS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\n`;

  it('a slow client (partial headers, then nothing) does not hold up others', async () => {
    // A client timeout far beyond the test's: the slow client is surely still connected meanwhile.
    const emu = await emulator({ clientTimeoutMs: 3_600_000 });
    const slow = await slowClient(emu.url, PARTIAL_HEADERS);
    let closedYet = false;
    void slow.closed.then(() => (closedYet = true));
    expect((await send(emu.url, 'GET', TRIGGERS)).status).toBe(200);
    expect(closedYet).toBe(false);
  });

  it('a slow client (partial headers, then nothing) is cut off after the client timeout with 408', async () => {
    const emu = await emulator({ clientTimeoutMs: 300 });
    const slow = await slowClient(emu.url, PARTIAL_HEADERS);
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect((await send(emu.url, 'GET', TRIGGERS)).status).toBe(200);
  });

  it('a slow body (headers, then part of the body, then nothing) is cut off too', async () => {
    const emu = await emulator({ clientTimeoutMs: 300 });
    const slow = await slowClient(emu.url, PARTIAL_POST);
    expect((await createTrigger(emu.url, 'meanwhile')).status).toBe(201);
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(emu.store.service(SVC)!.triggers.map((t) => t.name)).toEqual(['deploy-hook', 'scale-hook', 'meanwhile']);
  });

  it('a client cut off in the middle of its body is no internal error: the emulator logs nothing (built binary)', async () => {
    const dir = tempDir();
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed()));
    const proc = await startEmulatorProcess(['--seed', seedFile, '--client-timeout', '0.3']);
    const slow = await slowClient(proc.url, PARTIAL_POST);
    await slow.closed;
    expect((await createTrigger(proc.url, 'after')).status).toBe(201);
    proc.child.kill('SIGTERM');
    await proc.exited;
    expect(proc.stderr()).toBe('');
  });

  it('malformed requests get their 4xx without disturbing a concurrent client; the emulator keeps serving', async () => {
    const emu = await emulator();
    let normalOk = 0;
    const normal = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        const a = await send(emu.url, 'GET', TRIGGERS);
        expect(a.status).toBe(200);
        expect((JSON.parse(a.text) as { objects: unknown[] }).objects).toHaveLength(2);
        normalOk++;
      }
    };
    const abuse: [string, () => Promise<number>, number][] = [
      ['bad JSON', async () => (await send(emu.url, 'POST', TRIGGERS, { body: '{"name": "x",', type: 'application/json' })).status, 415],
      ['wrong content type', async () => (await send(emu.url, 'POST', TRIGGERS, { body: '{"name":"x"}', type: 'text/plain' })).status, 415],
      ['no content type', async () => (await send(emu.url, 'POST', TRIGGERS, { body: '{"name":"x"}' })).status, 415],
      ['a JSON array', async () => (await send(emu.url, 'POST', TRIGGERS, { body: '[]', type: 'application/json' })).status, 400],
      ['PATCH', async () => (await send(emu.url, 'PATCH', TRIGGERS, { body: '{}', type: 'application/json' })).status, 405],
      ['PUT on a call', async () => (await send(emu.url, 'PUT', callPath(T_REDEPLOY), { auth: false })).status, 405],
      ['../../etc/passwd', async () => (await send(emu.url, 'GET', '/api/app/v1/../../etc/passwd')).status, 404],
      ['..%2f..%2fetc', async () => (await send(emu.url, 'GET', `/api/app/v1/service/..%2f..%2fetc%2fpasswd/`)).status, 404],
      ['a 10 KB path', async () => (await send(emu.url, 'GET', `/api/app/v1/service/${'a'.repeat(10 * 1024)}/`)).status, 404],
      ['%00', async () => (await send(emu.url, 'GET', '/api/app/v1/service/%00/')).status, 404],
      ['%00 in a trigger', async () => (await send(emu.url, 'GET', `${TRIGGERS}%00/`)).status, 404],
      [
        'a 40 KB path (headers too large)',
        async () => (await send(emu.url, 'GET', `/api/app/v1/service/${'b'.repeat(40 * 1024)}/`)).status,
        431,
      ],
      ['a text/html Accept', async () => (await send(emu.url, 'GET', TRIGGERS, { headers: { accept: 'text/html' } })).status, 415],
      ['no credentials', async () => (await send(emu.url, 'GET', TRIGGERS, { auth: false })).status, 401],
      ['a negative offset', async () => (await send(emu.url, 'GET', `${TRIGGERS}?offset=-1`)).status, 400],
      ['a call with a huge count', async () => (await send(emu.url, 'POST', `${callPath(T_SCALE)}9999999/`, { auth: false })).status, 404],
      [
        'garbage instead of HTTP',
        async () => Number(/^HTTP\/1\.1 (\d{3})/.exec(await rawExchange(emu.url, 'HELLO THERE\r\n\r\n'))?.[1] ?? 0),
        400,
      ],
      [
        'a NUL byte in the request line',
        async () =>
          Number(
            /^HTTP\/1\.1 (\d{3})/.exec(await rawExchange(emu.url, `GET /api/app/v1/service/\u0000/ HTTP/1.1\r\nHost: x\r\n\r\n`))?.[1] ?? 0,
          ),
        400,
      ],
    ];
    const [statuses] = await Promise.all([Promise.all(abuse.map(([, run]) => run())), normal()]);
    expect(Object.fromEntries(abuse.map(([name], i) => [name, statuses[i]]))).toEqual(
      Object.fromEntries(abuse.map(([name, , status]) => [name, status])),
    );
    expect(normalOk).toBe(40);
    // Nothing was created, called or scaled by any of it, and the emulator still works.
    expect(emu.store.service(SVC)!.triggers).toHaveLength(2);
    expect(emu.store.state.actions).toHaveLength(0);
    expect((await createTrigger(emu.url, 'after')).status).toBe(201);
  });
});
