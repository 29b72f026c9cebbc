// Identifier resolution (src/resolve.ts): services and triggers by full UUID, UUID prefix, name and
// name.stack; ambiguity and near misses; identifiers refused before any request. Against the
// in-process emulator through a real ApiClient, then through the CLI, counting the requests a
// command makes to resolve what it was given.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { servicesPath, triggerPath, triggersPath } from '../src/api/paths.js';
import { ApiClient } from '../src/api/client.js';
import type { SeedService } from '../src/emulator/store.js';
import { NotFoundError, UsageError } from '../src/errors.js';
import { checkIdentifier, MAX_IDENTIFIER, resolveService, resolveTrigger, resolveTriggerUuid, type ServiceRef } from '../src/resolve.js';
import { emulatorEnv, runCli, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { instrument, type Instrumented } from './helpers/instrumented.js';
import { forward, json, startFaultServer } from './helpers/fault-server.js';
import { API, DB, manyHooks, MISSING, numbered, T_DEPLOY, T_OLD, T_SCALE, WEB_DEMO, WEB_OTHER, webDemo } from './helpers/fixture.js';

const CAFE = '12345678-0000-4000-8000-000000000005';
const DOTTED = '0d0d0d0d-0000-4000-8000-000000000006';
const T_BEEF = '7e7e7e7e-0000-4000-8000-00000000000d';

function seed(): SeedService[] {
  return [
    webDemo({ uuid: T_BEEF, name: 'beef', operation: 'REDEPLOY' }),
    { uuid: WEB_OTHER, name: 'web', stack: 'other', triggers: [{ name: 'dup' }, { name: 'dup' }] },
    { uuid: API, name: 'api', stack: null },
    { uuid: DB, name: 'db', stack: null },
    { uuid: CAFE, name: 'cafe', stack: null },
    { uuid: DOTTED, name: 'my.app', stack: null },
  ];
}

let emu: RunningEmulator;
let api: ApiClient;
let requests: string[];

async function setUp(seedServices: SeedService[]): Promise<void> {
  emu = await startEmulator({ seed: seedServices });
  requests = [];
  emu.server.on('request', (req) => requests.push(`${req.method} ${req.url}`));
  api = new ApiClient({
    host: `${emu.url}/`,
    authorization: () => emu.auth,
    userAgent: 'trigger/test',
    timeoutMs: 5000,
    tries: 1,
  });
}

beforeEach(async () => {
  await setUp(seed());
});
afterEach(async () => {
  await api.close();
  await emu.close();
});

/** The rejection of a promise, failing when it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

const webDemoRef = (): ServiceRef => ({ uuid: WEB_DEMO });

describe('resolveService', () => {
  it('a full UUID needs no request (and is lowercased)', async () => {
    expect(await resolveService(api, WEB_DEMO)).toEqual({ uuid: WEB_DEMO });
    expect(await resolveService(api, WEB_DEMO.toUpperCase())).toEqual({ uuid: WEB_DEMO });
    expect(requests).toEqual([]);
  });

  it('a UUID prefix finds the service with a uuid__startswith filter', async () => {
    const ref = await resolveService(api, 'C0FFEE01');
    expect(ref.uuid).toBe(API);
    expect(ref.service?.name).toBe('api');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain('uuid__startswith=c0ffee01');
  });

  it('a non-hex name goes straight to one filtered request', async () => {
    const ref = await resolveService(api, 'api');
    expect(ref).toMatchObject({ uuid: API, service: { name: 'api' } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^GET \/api\/app\/v1\/service\/\?/);
    expect(new URL(requests[0].slice(4), 'http://x').searchParams.get('name')).toBe('api');
    expect(requests[0]).not.toContain('uuid__startswith');
  });

  it('a name made of hex digits is tried as a prefix, then as a name', async () => {
    const ref = await resolveService(api, 'cafe');
    expect(ref.uuid).toBe(CAFE);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toContain('uuid__startswith=cafe');
    expect(requests[1]).toContain('name=cafe');
  });

  it('name.stack picks the service of that stack with one request', async () => {
    expect((await resolveService(api, 'web.demo')).uuid).toBe(WEB_DEMO);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain('stack__name=demo');
    expect((await resolveService(api, 'web.other')).uuid).toBe(WEB_OTHER);
  });

  it('a name with a dot that is not name.stack is still found by name', async () => {
    expect((await resolveService(api, 'my.app')).uuid).toBe(DOTTED);
  });

  it('a name shared by services of two stacks is ambiguous: NotFoundError suggesting name.stack, listing UUID prefixes and name.stack', async () => {
    const err = await rejection(resolveService(api, 'web'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe("more than one service matches 'web'; use name.stack or its UUID prefix:");
    expect((err as NotFoundError).hint).toBe(`  ${WEB_DEMO.slice(0, 8)}  web.demo\n  ${WEB_OTHER.slice(0, 8)}  web.other`);
  });

  it('a prefix shared by two UUIDs is ambiguous: services without a stack are told apart by UUID prefix alone', async () => {
    const err = await rejection(resolveService(api, 'c0ffee0'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe("more than one service matches 'c0ffee0'; use its UUID prefix:");
    expect((err as NotFoundError).hint).toBe(`  ${API.slice(0, 8)}  api\n  ${DB.slice(0, 8)}  db`);
  });

  it('behind an API that serves no stacks (404), the candidates go by their names alone', async () => {
    const proxy = await startFaultServer();
    try {
      proxy.route('GET', /^\/api\/app\/v1\/stack\//, json(404, { error: 'Not found' }));
      proxy.fallback(forward(emu.url));
      const viaProxy = new ApiClient({
        host: `${proxy.url}/`,
        authorization: () => emu.auth,
        userAgent: 'trigger/test',
        timeoutMs: 5000,
        tries: 1,
      });
      const err = await rejection(resolveService(viaProxy, 'web'));
      await viaProxy.close();
      expect(err.message).toBe("more than one service matches 'web'; use its UUID prefix:");
      expect((err as NotFoundError).hint).toBe(`  ${WEB_DEMO.slice(0, 8)}  web\n  ${WEB_OTHER.slice(0, 8)}  web`);
    } finally {
      await proxy.close();
    }
  });

  it('many candidates: the hint shows ten and counts the rest', async () => {
    await api.close();
    await emu.close();
    await setUp(Array.from({ length: 12 }, (_, i) => ({ name: 'dup', stack: `s${i}` })));
    const err = await rejection(resolveService(api, 'dup'));
    expect(err).toBeInstanceOf(NotFoundError);
    const lines = ((err as NotFoundError).hint ?? '').split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toContain('2 more');
  });

  it('nothing matches: NotFoundError naming the identifier', async () => {
    for (const id of ['nosuch', 'abcdef', 'nosuch.demo', 'web.nostack']) {
      const err = await rejection(resolveService(api, id));
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.message).toContain(`'${id}'`);
    }
  });

  it('nothing matches: the closest services are suggested by name.stack, as commander suggests commands', async () => {
    const suggested = async (id: string): Promise<string> => (await rejection(resolveService(api, id))).message;
    expect(await suggested('wbe')).toBe("cannot find a service with the identifier 'wbe'; did you mean web.demo or web.other?");
    expect(await suggested('web.dmo')).toBe("cannot find a service with the identifier 'web.dmo'; did you mean web.demo?");
    expect(await suggested('API')).toBe("cannot find a service with the identifier 'API'; did you mean api?");
    expect(await suggested('nosuch')).toBe("cannot find a service with the identifier 'nosuch'");
    // Each stack is read once, however many services and lookups name it.
    expect(requests.filter((r) => r.includes('/stack/'))).toHaveLength(2);
  });
});

describe('resolveTrigger', () => {
  it('resolveTriggerUuid of a full UUID needs no request', async () => {
    expect(await resolveTriggerUuid(api, webDemoRef(), T_OLD.toUpperCase())).toBe(T_OLD);
    expect(requests).toEqual([]);
  });

  it('a full UUID with fetch returns the server object; an unknown one is a not-found naming it', async () => {
    const t = await resolveTrigger(api, webDemoRef(), T_SCALE);
    expect(t).toMatchObject({ uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' });
    expect(requests).toEqual([`GET /api/app/v1/service/${WEB_DEMO}/trigger/${T_SCALE}/`]);
    const err = await rejection(resolveTrigger(api, webDemoRef(), MISSING));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain(`'${MISSING.slice(0, 8)}…'`);
    expect(err.message).not.toContain(MISSING);
  });

  it('a UUID prefix and a name find the trigger', async () => {
    expect((await resolveTrigger(api, webDemoRef(), 'D1D1')).uuid).toBe(T_DEPLOY);
    expect((await resolveTrigger(api, webDemoRef(), 'scale-hook')).uuid).toBe(T_SCALE);
    expect((await resolveTrigger(api, webDemoRef(), 'beef')).uuid).toBe(T_BEEF);
  });

  it('a non-hex trigger name takes one filtered request', async () => {
    expect((await resolveTrigger(api, webDemoRef(), 'old')).uuid).toBe(T_OLD);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(new RegExp(`^GET /api/app/v1/service/${WEB_DEMO}/trigger/\\?.*name=old`));
  });

  it('an ambiguous prefix or name is a NotFoundError listing the candidates', async () => {
    const byPrefix = await rejection(resolveTrigger(api, webDemoRef(), 'd'));
    expect(byPrefix).toBeInstanceOf(NotFoundError);
    expect(byPrefix.message).toBe(`more than one trigger matches 'd' in service ${WEB_DEMO.slice(0, 8)}; use its UUID prefix:`);
    expect((byPrefix as NotFoundError).hint).toBe(`  ${T_DEPLOY.slice(0, 8)}  deploy-hook\n  ${T_SCALE.slice(0, 8)}  scale-hook`);
    const looked = await resolveService(api, 'web.other');
    const byName = await rejection(resolveTrigger(api, looked, 'dup'));
    expect(byName).toBeInstanceOf(NotFoundError);
    expect(byName.message).toBe("more than one trigger matches 'dup' in service web.other; use its UUID prefix:");
    const lines = ((byName as NotFoundError).hint ?? '').split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^ {2}[0-9a-f-]{8,35} {2}dup$/);
  });

  it('nothing matches: NotFoundError naming the identifier', async () => {
    const err = await rejection(resolveTrigger(api, webDemoRef(), 'nosuch'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain("'nosuch'");
  });

  it('a trigger looked up in a service that does not exist is a not-found', async () => {
    const err = await rejection(resolveTrigger(api, { uuid: MISSING }, 'deploy-hook'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain(MISSING);
  });
});

describe('invalid identifiers', () => {
  const invalid: [string, string][] = [
    ['empty', ''],
    ['slash', 'a/b'],
    ['dot-dot', '..'],
    ['dot-dot inside', 'web..demo'],
    ['question mark', 'a?b'],
    ['hash', 'a#b'],
    ['percent', 'a%2fb'],
    ['space', 'a b'],
    ['tab', 'a\tb'],
    ['newline', 'web\n'],
    ['NUL', 'a\u0000b'],
    ['escape', 'a\u001b[31m'],
    ['DEL', 'a\u007f'],
    ['C1 control', 'a\u009bb'],
    ['non-breaking space', 'a\u00a0b'],
    ['too long', 'x'.repeat(MAX_IDENTIFIER + 1)],
  ];

  it.each(invalid)('%s: rejected with UsageError before any request', async (_what, id) => {
    expect(() => checkIdentifier('service', id)).toThrow(UsageError);
    expect(await rejection(resolveService(api, id))).toBeInstanceOf(UsageError);
    expect(await rejection(resolveTrigger(api, webDemoRef(), id))).toBeInstanceOf(UsageError);
    expect(await rejection(resolveTriggerUuid(api, webDemoRef(), id))).toBeInstanceOf(UsageError);
    expect(requests).toEqual([]);
  });

  it('the message names the kind and shows no control characters', () => {
    let message = '';
    try {
      checkIdentifier('trigger', 'a\u001b[31mb c');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('trigger');

    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('identifiers at the length limit, with dots, dashes and underscores are accepted', () => {
    for (const id of ['x'.repeat(MAX_IDENTIFIER), 'web.demo', 'my-app_2', 'a.b.c', WEB_DEMO]) {
      expect(() => checkIdentifier('service', id)).not.toThrow();
    }
    expect(MAX_IDENTIFIER).toBe(256);
  });
});

describe('through the CLI, identifiers resolve with as few requests as the API allows', () => {
  const SVC = WEB_DEMO;
  const triggerList = triggersPath(SVC);
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });

  /** Runs `trigger <args>` against an emulator of many triggers that records each request and answers it at once. */
  async function runRecorded(args: string[]): Promise<{ probe: Instrumented; r: Result }> {
    const many = await startEmulator({ seed: manyHooks(210), pageSize: 25 });
    running.push(many);
    const probe = instrument(many.server);
    return { probe, r: await runCli(args, emulatorEnv(many.url)) };
  }

  it('rm <service-uuid> <trigger-uuid>: exactly one request, the DELETE', async () => {
    const { probe, r } = await runRecorded(['rm', SVC, numbered(7)]);

    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${numbered(7)}\n`);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}${q.url.search}`)).toEqual([`DELETE ${triggerPath(SVC, numbered(7))}`]);
  });

  it('upper-case full UUIDs need no lookup either', async () => {
    const { probe, r } = await runRecorded(['rm', SVC.toUpperCase(), numbered(8).toUpperCase()]);

    expect(r.code).toBe(0);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([`DELETE ${triggerPath(SVC, numbered(8))}`]);
  });

  it('inspect <service-uuid> <trigger-uuid>: exactly one request, the GET of the trigger', async () => {
    const { probe, r } = await runRecorded(['inspect', SVC, numbered(9)]);

    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { uuid: string }[]).map((t) => t.uuid)).toEqual([numbered(9)]);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}${q.url.search}`)).toEqual([`GET ${triggerPath(SVC, numbered(9))}`]);
  });

  it('inspect <service-uuid> <name>: one filtered request, nothing else', async () => {
    const { probe, r } = await runRecorded(['inspect', SVC, 'hook-11']);

    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { uuid: string }[]).map((t) => t.uuid)).toEqual([numbered(11)]);
    expect(probe.requests.length).toBe(1);
    const [q] = probe.requests;
    expect(q.method).toBe('GET');
    expect(q.url.pathname).toBe(triggerList);
    expect(q.url.searchParams.get('name')).toBe('hook-11');
    // filtered by the server, not a listing of every trigger
    expect(Number(q.url.searchParams.get('limit'))).toBeLessThan(210);
  });

  it('rm <service-uuid> <name>: one filtered lookup, then the DELETE', async () => {
    const { probe, r } = await runRecorded(['rm', SVC, 'hook-12']);

    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${numbered(12)}\n`);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([
      `GET ${triggerList}`,
      `DELETE ${triggerPath(SVC, numbered(12))}`,
    ]);
    expect(probe.requests[0].url.searchParams.get('name')).toBe('hook-12');
  });

  it('rm <service-name> <trigger-uuid>: one filtered service lookup, then the DELETE', async () => {
    const { probe, r } = await runRecorded(['rm', 'web', numbered(13)]);

    expect(r.code).toBe(0);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([
      `GET ${servicesPath()}`,
      `DELETE ${triggerPath(SVC, numbered(13))}`,
    ]);
    expect(probe.requests[0].url.searchParams.get('name')).toBe('web');
  });

  it('rm <service-uuid> <uuid-prefix>: one filtered lookup, then the DELETE', async () => {
    const { probe, r } = await runRecorded(['rm', SVC, numbered(14).slice(0, 8)]);

    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${numbered(14)}\n`);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([
      `GET ${triggerList}`,
      `DELETE ${triggerPath(SVC, numbered(14))}`,
    ]);
    expect(probe.requests[0].url.searchParams.get('uuid__startswith')).toBe(numbered(14).slice(0, 8));
  });
});
