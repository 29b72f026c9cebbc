// The emulator against clients that misbehave or race it: a call whose body arrives after its trigger
// was removed, bodies far over the limit, a history of more calls than it keeps. Real HTTP on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedService } from '../src/emulator/store.js';
import { emulatorEnv, runCli } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { registerSecret } from './helpers/secrets.js';

const SVC = '3c3c3c3c-0000-4000-8000-000000000001';
const T_SCALE = '9a9a9a9a-0000-4000-8000-00000000000a';
const T_DEPLOY = '9b9b9b9b-0000-4000-8000-00000000000b';
registerSecret(T_SCALE);
registerSecret(T_DEPLOY);

function seed(): SeedService[] {
  return [
    {
      uuid: SVC,
      name: 'web',
      target_num_containers: 2,
      triggers: [
        { uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' },
        { uuid: T_DEPLOY, name: 'deploy-hook', operation: 'REDEPLOY' },
      ],
    },
  ];
}

const running: RunningEmulator[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(opts: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ seed: seed(), ...opts });
  running.push(emu);
  return emu;
}

const callPath = (trigger: string, suffix = ''): string => `/api/app/v1/service/${SVC}/trigger/${trigger}/call/${suffix}`;

/**
 * Starts a trigger call whose body is late: the headers and half the body are sent, and once the
 * emulator has taken the request, `finish()` sends the rest and resolves with the raw answer.
 */
async function lateCall(emu: RunningEmulator, path: string): Promise<{ finish: () => Promise<string> }> {
  const url = new URL(emu.url);
  const taken = once(emu.server, 'request');
  const socket = connect(Number(url.port), url.hostname);
  sockets.push(socket);
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nlate`,
  );
  await taken;
  return {
    finish: async () => {
      socket.end('body');
      await once(socket, 'close');
      return answer;
    },
  };
}

describe('a call in flight when its trigger is removed', () => {
  it('answers 404 and changes nothing once the body arrives after the DELETE', async () => {
    const emu = await start();
    const call = await lateCall(emu, callPath(T_SCALE, '3/'));
    const del = await fetch(`${emu.url}/api/app/v1/service/${SVC}/trigger/${T_SCALE}/`, {
      method: 'DELETE',
      headers: { authorization: emu.auth },
    });
    expect(del.status).toBe(204);
    const answer = await call.finish();
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).not.toMatch(/x-dockercloud-action-uri/i);
    expect(emu.store.service(SVC)).toMatchObject({ target_num_containers: 2, last_trigger_body: null });
    // The removal's action alone: the call recorded none.
    expect(emu.store.state.actions.map((a) => a.action)).toEqual(['Trigger Delete']);
  });

  it('trigger rotate revokes the old URL at once, even for a call already sending its body', async () => {
    const emu = await start();
    const call = await lateCall(emu, callPath(T_DEPLOY));
    const rotated = await runCli(['rotate', 'web', 'deploy-hook', '-q'], emulatorEnv(emu.url));
    expect(rotated.code).toBe(0);
    expect(await call.finish()).toMatch(/^HTTP\/1\.1 404 /);
    expect(emu.store.state.actions.map((a) => a.action)).toEqual(['Trigger Create', 'Trigger Delete']);
    expect(emu.store.service(SVC)!.last_trigger_body).toBeNull();
  });
});

/** Sends `size` bytes to `path` in 64 KiB writes that wait for the socket; resolves with the answer, or the error the client saw. */
function sendLarge(
  emu: RunningEmulator,
  path: string,
  size: number,
  opts: { chunked?: boolean; auth?: boolean } = {},
): Promise<{ status?: number; body?: string; error?: string; sent: number }> {
  const url = new URL(emu.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!opts.chunked) headers['content-length'] = String(size);
  if (opts.auth) headers.authorization = emu.auth;
  return new Promise((resolve) => {
    let sent = 0;
    let answer: { status: number; body: string } | undefined;
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        answer = { status: res.statusCode ?? 0, body };
        if (req.writableFinished) resolve({ ...answer, sent });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ...answer, error: err.code ?? err.message, sent }));
    req.on('finish', () => {
      if (answer) resolve({ ...answer, sent });
    });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const write = (): void => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('bodies far over the limit', () => {
  it.each([
    { label: 'a trigger call, Content-Length declared', path: callPath(T_DEPLOY), opts: {} },
    { label: 'a trigger call, chunked', path: callPath(T_DEPLOY), opts: { chunked: true } },
    { label: 'a create, Content-Length declared', path: `/api/app/v1/service/${SVC}/trigger/`, opts: { auth: true } },
    { label: 'a create, chunked', path: `/api/app/v1/service/${SVC}/trigger/`, opts: { auth: true, chunked: true } },
  ])('a client sending 16 MiB reads the 413, not a reset connection ($label)', async ({ path, opts }) => {
    const emu = await start();
    const size = 16 * 1024 * 1024;
    const result = await sendLarge(emu, path, size, opts);
    expect(result).toEqual({ status: 413, body: JSON.stringify({ error: 'Request body larger than 1048576 bytes' }), sent: size });
    expect(emu.store.state.actions).toHaveLength(0);
    expect(emu.store.service(SVC)!.triggers).toHaveLength(2);
    expect((await fetch(`${emu.url}/api/app/v1/service/${SVC}/`, { headers: { authorization: emu.auth } })).status).toBe(200);
  });

  it('fetch sending 16 MiB to a trigger call reads the 413', async () => {
    const emu = await start();
    const res = await fetch(`${emu.url}${callPath(T_SCALE)}`, { method: 'POST', body: Buffer.alloc(16 * 1024 * 1024, 0x62) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'Request body larger than 1048576 bytes' });
    expect(emu.store.service(SVC)!.target_num_containers).toBe(2);
  });

  it.each([
    { label: 'declared', chunked: false },
    { label: 'chunked', chunked: true },
  ])(
    'past the bound of what it reads and throws away, the emulator closes the connection and serves others ($label)',
    async ({ chunked }) => {
      const emu = await start({ maxBody: 1024, maxDrain: 256 * 1024 });
      const result = await sendLarge(emu, callPath(T_DEPLOY), 32 * 1024 * 1024, { chunked });
      expect(result.error).toMatch(/^(ECONNRESET|EPIPE)$/);
      expect(result.sent).toBeLessThan(32 * 1024 * 1024);
      expect(emu.store.state.actions).toHaveLength(0);
      expect((await fetch(`${emu.url}${callPath(T_DEPLOY)}`, { method: 'POST' })).status).toBe(202);
    },
  );
});

describe('Expect: 100-continue', () => {
  /** Sends a request's headers alone, with Expect: 100-continue; resolves with the socket and the first answer's head. */
  async function ask(
    emu: RunningEmulator,
    path: string,
    length: number,
    auth = false,
  ): Promise<{ socket: Socket; head: string; rest: () => string }> {
    const url = new URL(emu.url);
    const socket = connect(Number(url.port), url.hostname);
    sockets.push(socket);
    await once(socket, 'connect');
    let data = '';
    const head = new Promise<string>((resolve) => {
      socket.on('data', (c: Buffer) => {
        data += c.toString('latin1');
        const end = data.indexOf('\r\n\r\n');
        if (end >= 0) resolve(data.slice(0, end));
      });
    });
    const authorization = auth ? `Authorization: ${emu.auth}\r\n` : '';
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${authorization}Content-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`,
    );
    return { socket, head: await head, rest: () => data };
  }

  it.each([
    { label: 'a trigger call of 2 MiB', path: callPath(T_DEPLOY), length: 2 * 1024 * 1024, auth: false },
    { label: 'a trigger call of 100 MiB', path: callPath(T_DEPLOY), length: 100 * 1024 * 1024, auth: false },
    { label: 'a create of 1 MiB and a byte', path: `/api/app/v1/service/${SVC}/trigger/`, length: 1024 * 1024 + 1, auth: true },
  ])('a declared length over the limit is answered 413 at once, without inviting the upload ($label)', async ({ path, length, auth }) => {
    const emu = await start();
    const { socket, head, rest } = await ask(emu, path, length, auth);
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(head.toLowerCase()).toContain('connection: close');
    await once(socket, 'close');
    expect(rest()).not.toContain('100 Continue');
    expect(rest().slice(rest().indexOf('\r\n\r\n') + 4)).toBe(JSON.stringify({ error: 'Request body larger than 1048576 bytes' }));
    expect(emu.store.state.actions).toHaveLength(0);
    expect(emu.store.service(SVC)!.triggers).toHaveLength(2);
  });

  it('a body within the limit is invited with 100 Continue, then answered', async () => {
    const emu = await start();
    const { socket, head, rest } = await ask(emu, callPath(T_DEPLOY), 11);
    expect(head).toBe('HTTP/1.1 100 Continue');
    socket.end('{"ref":"x"}');
    await once(socket, 'close');
    expect(rest()).toMatch(/\r\n\r\nHTTP\/1\.1 202 Accepted\r\n/);
    expect(emu.store.service(SVC)!.last_trigger_body).toBe('{"ref":"x"}');
  });
});

describe('container counts', () => {
  it('a SCALEUP that would take a service past 10,000 containers is refused with 400 and changes nothing', async () => {
    const emu = await start();
    expect((await fetch(`${emu.url}${callPath(T_SCALE, '9998/')}`, { method: 'POST' })).status).toBe(202);
    const refused = await fetch(`${emu.url}${callPath(T_SCALE)}`, { method: 'POST', body: 'one more' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'A service cannot have more than 10000 containers' });
    expect(emu.store.service(SVC)).toMatchObject({
      target_num_containers: 10_000,
      current_num_containers: 10_000,
      last_trigger_body: null,
    });
    expect(emu.store.state.actions).toHaveLength(1);
    const svc = (await (await fetch(`${emu.url}/api/app/v1/service/${SVC}/`, { headers: { authorization: emu.auth } })).json()) as {
      containers: string[];
    };
    expect(new Set(svc.containers).size).toBe(10_000);
  });
});

describe('the action history', () => {
  it('keeps the newest 1,000 actions: older ones are gone from the list and their URIs', async () => {
    const emu = await start();
    const uuids: string[] = [];
    for (let i = 0; i < 1005; i += 67) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(67, 1005 - i) }, async () => {
          const res = await fetch(`${emu.url}${callPath(T_DEPLOY)}`, { method: 'POST' });
          return ((await res.json()) as { uuid: string }).uuid;
        }),
      );
      uuids.push(...batch);
    }
    expect(emu.store.state.actions).toHaveLength(1000);
    const auth = { headers: { authorization: emu.auth } };
    const list = (await (await fetch(`${emu.url}/api/audit/v1/action/?limit=0`, auth)).json()) as {
      meta: { total_count: number };
      objects: { uuid: string }[];
    };
    expect(list.meta.total_count).toBe(1000);
    const kept = new Set(list.objects.map((a) => a.uuid));
    const gone = uuids.filter((u) => !kept.has(u));
    expect(gone).toHaveLength(5);
    for (const u of gone) expect((await fetch(`${emu.url}/api/audit/v1/action/${u}/`, auth)).status).toBe(404);
    expect(emu.store.service(SVC)!.target_num_containers).toBe(2);
  });

  it('with a data file, the file holds no more actions than are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trigger-history-'));
    try {
      const file = join(dir, 'state.json');
      const emu = await start({ dataFile: file, maxActions: 10 });
      for (let i = 0; i < 25; i++) expect((await fetch(`${emu.url}${callPath(T_SCALE)}`, { method: 'POST' })).status).toBe(202);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        actions: { uuid: string }[];
        services: { target_num_containers: number }[];
      };
      expect(saved.actions.map((a) => a.uuid)).toEqual(emu.store.state.actions.map((a) => a.uuid));
      expect(saved.actions).toHaveLength(10);
      expect(saved.services[0].target_num_containers).toBe(27);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
