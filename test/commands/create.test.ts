// `trigger create`: a trigger of the operation asked for (REDEPLOY unless told), printed as list prints
// it but whole; its output (and that of `rotate`, which prints the new trigger as create does):
// --no-header as on list, -q, --json with a list of fields, and the table kept whole on a terminal.
// The names it gives: those every other command takes as identifiers, and no second one of a name
// in a service unless --allow-duplicate. The built CLI and in-process runs against the emulator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { expectErrorLine, parseTable } from '../helpers/expect.js';
import { API, DB, EMPTY, standardSeed, WEB_DEMO, webDemo } from '../helpers/fixture.js';

let emu: RunningEmulator;
let seen: string[];
beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
  seen = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
});
afterAll(() => emu.close());

const run = (args: string[], opts: Parameters<typeof runCli>[2] = {}) => runCli(args, emulatorEnv(emu.url), opts);
const made = (name: string) => emu.store.service(WEB_DEMO)!.triggers.find((t) => t.name === name)!;

describe('trigger create (built CLI, the standard seed)', () => {
  const fresh: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(fresh.splice(0).map((e) => e.close()));
  });
  /** A fresh emulator of the standard seed, and the requests it was sent. */
  async function standard(): Promise<{ api: RunningEmulator; sent: string[] }> {
    const api = await startEmulator({ seed: standardSeed() });
    fresh.push(api);
    const sent: string[] = [];
    api.server.on('request', (req) => sent.push(`${req.method} ${req.url}`));
    return { api, sent };
  }

  it('creates a REDEPLOY trigger by default and prints it with full UUID and URL', async () => {
    const { api } = await standard();
    const r = await spawnCli(['create', 'empty', '-n', 'my-hook'], emulatorEnv(api.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stored = api.store.service(EMPTY)!.triggers;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'my-hook', operation: 'REDEPLOY' });
    expect(parseTable(r.stdout)).toEqual([[stored[0].uuid, 'my-hook', 'REDEPLOY', `${api.url}${triggerCallPath(EMPTY, stored[0].uuid)}`]]);
  });

  it('takes the operation in any case; -q prints the UUID only, --json the object', async () => {
    const { api } = await standard();
    const env = emulatorEnv(api.url);
    const [quiet, json] = await Promise.all([
      spawnCli(['create', 'db', '-o', 'scaleup', '-q'], env),
      spawnCli(['create', 'api', '--operation', 'ScaleUp', '-n', 'grow', '--json'], env),
    ]);
    for (const r of [quiet, json]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const dbTriggers = api.store.service(DB)!.triggers;
    expect(dbTriggers).toHaveLength(1);
    expect(dbTriggers[0].operation).toBe('SCALEUP');
    expect(quiet.stdout).toBe(`${dbTriggers[0].uuid}\n`);
    const created = JSON.parse(json.stdout) as { uuid: string; name: string; operation: string; url: string };
    expect(created).toMatchObject({ name: 'grow', operation: 'SCALEUP', url: triggerCallPath(API, created.uuid) });
    expect(api.store.service(API)!.triggers.map((t) => t.uuid)).toContain(created.uuid);
  });

  it('an unknown operation is a usage error (exit 2) before any request', async () => {
    const { api, sent } = await standard();
    const r = await spawnCli(['create', 'api', '-o', 'explode'], emulatorEnv(api.url));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectErrorLine(r, 'explode');
    expect(sent).toHaveLength(0);
    expect(api.store.service(API)!.triggers).toHaveLength(1);
  });
});

describe('trigger create --no-header', () => {
  it('prints the row of the new trigger alone, as list does (built CLI)', async () => {
    const r = await spawnCli(['create', 'web', '-n', 'bare-hook', '--no-header'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = made('bare-hook');
    expect(r.stdout).toBe(`${t.uuid}   bare-hook   REDEPLOY   ${emu.url}${triggerCallPath(WEB_DEMO, t.uuid)}\n`);
  });

  it('the header is there without it, and a template table leaves it out with it', async () => {
    const withHeader = await run(['create', 'web', '-n', 'headed-hook']);
    expect(withHeader.stdout.split('\n')[0]).toMatch(/^UUID\s+NAME\s+OPERATION\s+URL$/);
    const template = await run(['create', 'web', '-n', 'template-hook', '--format', 'table {{.name}}\\t{{.operation}}', '--no-header']);
    expect(template.stdout).toBe('template-hook   REDEPLOY\n');
  });

  it('rotate takes it too', async () => {
    await run(['create', 'web', '-n', 'leaked-hook', '-o', 'scaleup']);
    const r = await run(['rotate', 'web', 'leaked-hook', '--no-header']);
    expect(r.code).toBe(0);
    const t = made('leaked-hook');
    expect(r.stdout).toBe(`${t.uuid}   leaked-hook   SCALEUP   ${emu.url}${triggerCallPath(WEB_DEMO, t.uuid)}\n`);
  });
});

describe('trigger create on a terminal', () => {
  it('keeps the new trigger whole, its URL being what it is made for, even where list would fit the table', async () => {
    const r = await run(['create', 'web', '-n', 'wide-hook'], { tty: true, columns: 60 });
    const t = made('wide-hook');
    expect(r.stdout).toContain(`${emu.url}${triggerCallPath(WEB_DEMO, t.uuid)}`);
    expect(r.stdout).toContain(t.uuid);
  });
});

describe('trigger create --json with fields', () => {
  it('prints the one object with the fields asked for; --json alone the whole object', async () => {
    const r = await run(['create', 'web', '-n', 'json-hook', '--json', 'uuid,url']);
    expect(r.code).toBe(0);
    const t = made('json-hook');
    expect(JSON.parse(r.stdout)).toEqual({ uuid: t.uuid, url: triggerCallPath(WEB_DEMO, t.uuid) });
    const whole = JSON.parse((await run(['create', 'web', '-n', 'json-hook-2', '--json'])).stdout) as Record<string, unknown>;
    expect(Object.keys(whole)).toEqual(['uuid', 'name', 'operation', 'url', 'resource_uri']);
  });

  it('an unknown field creates nothing: exit 2 before any request', async () => {
    const before = emu.store.service(WEB_DEMO)!.triggers.length;
    const r = await spawnCli(['create', 'web', '-n', 'never', '--json', 'uuid,Url'], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("Error: unknown --json field 'Url'; did you mean 'url'?");
    expect(emu.store.service(WEB_DEMO)!.triggers).toHaveLength(before);
  });
});

describe('trigger create: the names it gives', () => {
  const names = (): string[] => emu.store.service(WEB_DEMO)!.triggers.map((t) => t.name);
  const RULES = "The other commands take a trigger by its name, so a name holds no white space, control characters, / ? # % \\ or '..'.";

  it.each([
    ['with space', 'it contains white space'],
    ['a/b', 'it contains one of / ? # % \\'],
    ['50%', 'it contains one of / ? # % \\'],
    ['a..b', "it contains '..'"],
  ])('refuses %s, as every other command would refuse it, before any request (built CLI, exit 2)', async (name, why) => {
    const before = seen.length;
    const r = await spawnCli(['create', 'web', '-n', name], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `Error: invalid trigger name '${name}': ${why}\n${RULES}\n` });
    expect(seen.length).toBe(before);
    expect(names()).not.toContain(name);
  });

  it('refuses a name the service has already: exit 1, nothing made, a hint naming --allow-duplicate and rotate (built CLI)', async () => {
    const [before, requests] = [names().length, seen.length];
    const r = await spawnCli(['create', 'web', '-n', 'deploy-hook', '-q'], emulatorEnv(emu.url));
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "Error: service web.demo has a trigger named 'deploy-hook' already\n" +
        "Pass --allow-duplicate to create a second one, or replace it with 'trigger rotate web deploy-hook'.\n",
    });
    expect(names()).toHaveLength(before);
    expect(seen.slice(requests).filter((s) => s.startsWith('POST '))).toEqual([]);
  });

  it('--allow-duplicate creates it anyway, without asking first; the name is then ambiguous, and its hint gives UUID prefixes', async () => {
    const env = emulatorEnv(emu.url);
    const before = seen.length;
    const r = await spawnCli(['create', 'web', '-n', 'scale-hook', '--allow-duplicate', '-q'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(seen.slice(before).filter((s) => s.startsWith('GET ') && s.includes('/trigger/'))).toEqual([]);
    const twins = emu.store
      .service(WEB_DEMO)!
      .triggers.filter((t) => t.name === 'scale-hook')
      .map((t) => t.uuid);
    expect(twins).toHaveLength(2);
    expect(r.stdout).toBe(`${twins[1]}\n`);
    const ambiguous = await spawnCli(['inspect', 'web', 'scale-hook'], env);
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toBe(
      `Error: more than one trigger matches 'scale-hook' in service web.demo; use its UUID prefix:\n  ${twins[0].slice(0, 8)}  scale-hook\n  ${twins[1].slice(0, 8)}  scale-hook\n`,
    );
  });

  it('a new name, or none at all, is created at once', async () => {
    expect((await run(['create', 'web', '-n', 'fresh-hook', '-q'])).code).toBe(0);
    expect((await run(['create', 'web', '-q'])).code).toBe(0);
    expect(names()).toContain('fresh-hook');
  });
});

describe('trigger create -o: a value it does not know is repeated cut short', () => {
  it('a 100 KB operation: one line with its first 79 characters and …, exit 2, nothing sent', async () => {
    const before = seen.length;
    const r = await spawnCli(['create', 'web', '-o', 'x'.repeat(100_000)], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`Error: unknown operation '${'x'.repeat(79)}…': use REDEPLOY or SCALEUP`);
    expect(r.stderr.length).toBeLessThan(300);
    expect(seen.length).toBe(before);
  });

  it('an operation with escapes is repeated without them', async () => {
    const r = await run(['create', 'web', '-o', 'up\u001b]0;x\u0007\u009b2J']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("Error: unknown operation 'up\uFFFD]0;x\uFFFD\uFFFD2J': use REDEPLOY or SCALEUP");
  });
});
