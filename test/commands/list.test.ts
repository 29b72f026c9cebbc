// `trigger list` (alias ls): the triggers of one service, named by any form of identifier, or of every
// service; the table (golden screens piped, and fitted to the width: at 60 and 80 columns in-process,
// the built CLI in a pseudo-terminal from 20 to 200 columns), colour, -q, --json with a list of
// fields, and what an empty result or an identifier that matches nothing or too much says. The built
// CLI and in-process runs against the emulator on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, ROOT, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import {
  API,
  DB,
  MISSING,
  PAYMENTS,
  standardSeed,
  T_API,
  T_DEPLOY,
  T_OLD,
  T_OTHER,
  T_SCALE,
  WEB_DEMO,
  WEB_OTHER,
  webDemo,
} from '../helpers/fixture.js';
import { expectErrorLine, parseTable } from '../helpers/expect.js';
import { forward, json, startFaultServer } from '../helpers/fault-server.js';
import { describeInPty, runInPty } from '../helpers/pty.js';

const T_LONG = 'e5e5e5e5-0000-4000-8000-00000000000e';
const T_NIGHTLY = '7b7b7b7b-0000-4000-8000-00000000000f';
const REDIS = 'a9a9a9a9-0000-4000-8000-000000000009';
const QUIET = 'a8a8a8a8-0000-4000-8000-000000000008';
const WEB_TRIGGERS = [T_DEPLOY, T_SCALE, T_OLD, T_LONG];

/** The version the built CLI reports. */
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

let emu: RunningEmulator;
let seen: string[];
beforeAll(async () => {
  emu = await startEmulator({
    seed: [
      webDemo({ uuid: T_LONG, name: 'deploy-hook-production-eu-west-1', operation: 'REDEPLOY' }),
      {
        uuid: PAYMENTS,
        name: 'payments-gateway-eu-west',
        stack: 'staging',
        triggers: [{ uuid: T_NIGHTLY, name: 'nightly-rebuild', operation: 'SCALEUP' }],
      },
      { uuid: REDIS, name: 'redis', stack: null },
      { uuid: QUIET, name: 'quiet', stack: 'staging' },
    ],
  });
  seen = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
});
afterAll(() => emu.close());

const run = (args: string[], opts: Parameters<typeof runCli>[2] = {}, extra: Record<string, string> = {}) =>
  runCli(args, emulatorEnv(emu.url, extra), opts);

// --- against the standard seed: a fresh emulator per test, recording what it is sent ---

const standard: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(standard.splice(0).map((e) => e.close()));
});

interface Heard {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

async function standardEmulator(opts: Parameters<typeof startEmulator>[0] = {}): Promise<{ api: RunningEmulator; heard: Heard[] }> {
  const api = await startEmulator({ seed: standardSeed(), ...opts });
  standard.push(api);
  const heard: Heard[] = [];
  api.server.on('request', (req) => heard.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers }));
  return { api, heard };
}

describe('trigger list <service> (built CLI)', () => {
  it('prints the golden table: header, short UUIDs, absolute URLs; headers of the requests', async () => {
    const { api, heard } = await standardEmulator();
    const r = await spawnCli(['list', 'web.demo'], emulatorEnv(api.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const port = new URL(api.url).port;
    expect(r.stdout.replaceAll(`127.0.0.1:${port}/`, '127.0.0.1:PORT/')).toBe(readFileSync(join(ROOT, 'test/golden/list.txt'), 'utf8'));
    expect(r.stdout).not.toContain('\x1b[');
    const rows = parseTable(r.stdout);
    expect(rows).toEqual([
      [T_DEPLOY.slice(0, 8), 'deploy-hook', 'REDEPLOY', `${api.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`],
      [T_SCALE.slice(0, 8), 'scale-hook', 'SCALEUP', `${api.url}${triggerCallPath(WEB_DEMO, T_SCALE)}`],
      [T_OLD.slice(0, 8), 'old', 'REDEPLOY', `${api.url}${triggerCallPath(WEB_DEMO, T_OLD)}`],
    ]);
    expect(heard.length).toBeGreaterThan(0);
    for (const req of heard) {
      expect(req.headers['user-agent']).toBe(`trigger/${VERSION}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers.authorization).toBe(api.auth);
    }
  });

  it('accepts every form of service identifier: full UUID, prefix (ls), name.stack and a unique name', async () => {
    const { api } = await standardEmulator();
    const env = emulatorEnv(api.url);
    const [byName, byUuid, byPrefix, byUpper, apiHooks] = await Promise.all([
      spawnCli(['list', 'web.demo'], env),
      spawnCli(['list', WEB_DEMO], env),
      spawnCli(['ls', 'a1b2'], env),
      spawnCli(['list', WEB_DEMO.toUpperCase()], env),
      spawnCli(['list', 'api'], env),
    ]);
    for (const r of [byName, byUuid, byPrefix, byUpper, apiHooks]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(byName.stdout).toContain('deploy-hook');
    expect(byUuid.stdout).toBe(byName.stdout);
    expect(byPrefix.stdout).toBe(byName.stdout);
    expect(byUpper.stdout).toBe(byName.stdout);
    expect(parseTable(apiHooks.stdout)).toEqual([[T_API.slice(0, 8), 'api-hook', 'REDEPLOY', `${api.url}${triggerCallPath(API, T_API)}`]]);
  });

  it('--no-trunc shows full UUIDs, -q prints full UUIDs one per line, --json prints the array', async () => {
    const { api } = await standardEmulator();
    const env = emulatorEnv(api.url);
    const [full, quiet, json] = await Promise.all([
      spawnCli(['list', 'web.demo', '--no-trunc'], env),
      spawnCli(['list', 'web.demo', '-q'], env),
      spawnCli(['list', 'web.demo', '--json'], env),
    ]);
    for (const r of [full, quiet, json]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(parseTable(full.stdout).map((row) => row[0])).toEqual([T_DEPLOY, T_SCALE, T_OLD]);
    expect(quiet.stdout).toBe(`${T_DEPLOY}\n${T_SCALE}\n${T_OLD}\n`);
    const parsed = JSON.parse(json.stdout) as { uuid: string; name: string; operation: string; url: string }[];
    expect(parsed.map((t) => [t.uuid, t.name, t.operation, t.url])).toEqual([
      [T_DEPLOY, 'deploy-hook', 'REDEPLOY', triggerCallPath(WEB_DEMO, T_DEPLOY)],
      [T_SCALE, 'scale-hook', 'SCALEUP', triggerCallPath(WEB_DEMO, T_SCALE)],
      [T_OLD, 'old', 'REDEPLOY', triggerCallPath(WEB_DEMO, T_OLD)],
    ]);
  });

  it('a service without triggers prints the header alone, and says so on stderr', async () => {
    const { api } = await standardEmulator();
    const r = await spawnCli(['list', 'empty'], emulatorEnv(api.url));
    expect(r).toEqual({ code: 0, stdout: 'UUID   NAME   OPERATION   URL\n', stderr: 'no triggers in service empty\n' });
  });

  it('list -q of a service without triggers prints nothing', async () => {
    const { api } = await standardEmulator();
    const r = await runCli(['list', 'empty', '-q'], emulatorEnv(api.url));
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('ambiguous service identifiers (same name in two stacks, shared UUID prefix) list the candidates, exit 4', async () => {
    const { api } = await standardEmulator();
    const env = emulatorEnv(api.url);
    const [byName, byPrefix] = await Promise.all([spawnCli(['list', 'web'], env), spawnCli(['list', 'c0ffee0'], env)]);
    for (const r of [byName, byPrefix]) {
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
    }
    expect(byName.stderr).toBe(
      `Error: more than one service matches 'web'; use name.stack or its UUID prefix:\n  ${WEB_DEMO.slice(0, 8)}  web.demo\n  ${WEB_OTHER.slice(0, 8)}  web.other\n`,
    );
    expect(byPrefix.stderr).toBe(
      `Error: more than one service matches 'c0ffee0'; use its UUID prefix:\n  ${API.slice(0, 8)}  api\n  ${DB.slice(0, 8)}  db\n`,
    );
  });

  it('an unknown service (name or full UUID) is a not-found error naming it, exit 4', async () => {
    const { api } = await standardEmulator();
    const env = emulatorEnv(api.url);
    const [byName, byUuid] = await Promise.all([spawnCli(['list', 'nosuch'], env), spawnCli(['list', MISSING], env)]);
    for (const r of [byName, byUuid]) {
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
    }
    expectErrorLine(byName, "'nosuch'");
    expectErrorLine(byUuid, MISSING);
  });

  it('piped output has no escapes; FORCE_COLOR=1 adds them; NO_COLOR and --no-color win over it', async () => {
    const { api } = await standardEmulator();
    const env = emulatorEnv(api.url);
    const [plain, forced, noColorEnv, noColorFlag] = await Promise.all([
      spawnCli(['list', 'web.demo'], env),
      spawnCli(['list', 'web.demo'], { ...env, FORCE_COLOR: '1' }),
      spawnCli(['list', 'web.demo'], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' }),
      spawnCli(['--no-color', 'list', 'web.demo'], { ...env, FORCE_COLOR: '1' }),
    ]);
    for (const r of [plain, forced, noColorEnv, noColorFlag]) expect(r.code).toBe(0);
    expect(plain.stdout).not.toContain('\x1b[');
    expect(forced.stdout).toContain('\x1b[');
    expect(stripAnsi(forced.stdout)).toBe(plain.stdout);
    expect(noColorEnv.stdout).toBe(plain.stdout);
    expect(noColorFlag.stdout).toBe(plain.stdout);
  });
});

describe('trigger list of every service (built CLI)', () => {
  it('lists the triggers of every service across pages, with a SERVICE column (name.stack); --json adds service, service_uuid and stack', async () => {
    // Pages of two at most: services and triggers both span several pages.
    const { api, heard } = await standardEmulator({ maxPageSize: 2 });
    const seenNow = (): string[] => heard.map((q) => `${q.method} ${q.url}`);
    const table = await spawnCli(['list', '--no-trunc'], emulatorEnv(api.url));
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+UUID\s+NAME\s+OPERATION\s+URL$/);
    const rows = lines.slice(1).map((l) => l.split(/ {3,}/));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['web.demo', T_DEPLOY, 'deploy-hook', 'REDEPLOY'],
      ['web.demo', T_SCALE, 'scale-hook', 'SCALEUP'],
      ['web.demo', T_OLD, 'old', 'REDEPLOY'],
      ['web.other', T_OTHER, 'other-hook', 'REDEPLOY'],
      ['api', T_API, 'api-hook', 'REDEPLOY'],
    ]);
    expect(rows[0][4]).toBe(`${api.url}/api/app/v1/service/${WEB_DEMO}/trigger/${T_DEPLOY}/call/`);
    // Five services in pages of two: all three pages were read; web's three triggers took two pages.
    expect(seenNow().filter((s) => s.startsWith('GET /api/app/v1/service/?') || s === 'GET /api/app/v1/service/').length).toBe(3);
    expect(seenNow().filter((s) => s.startsWith(`GET /api/app/v1/service/${WEB_DEMO}/trigger/`)).length).toBe(2);

    const json = await spawnCli(['list', '--json'], emulatorEnv(api.url));
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const objects = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(objects.map((o) => [o.service, o.service_uuid, o.stack, o.uuid, o.name])).toEqual([
      ['web', WEB_DEMO, 'demo', T_DEPLOY, 'deploy-hook'],
      ['web', WEB_DEMO, 'demo', T_SCALE, 'scale-hook'],
      ['web', WEB_DEMO, 'demo', T_OLD, 'old'],
      ['web', WEB_OTHER, 'other', T_OTHER, 'other-hook'],
      ['api', API, null, T_API, 'api-hook'],
    ]);
    expect(objects[4]).toMatchObject({ operation: 'REDEPLOY', url: `/api/app/v1/service/${API}/trigger/${T_API}/call/` });
  });
});

// --- against a seed with long names, stacks and services without triggers ---

describe('golden screens of a fitted table', () => {
  for (const columns of [60, 80]) {
    it(`at ${columns} columns, as test/golden/list-${columns}.txt shows them`, async () => {
      const port = new URL(emu.url).port;
      // Ephemeral ports have five digits; the screens are laid out for one.
      expect(port).toHaveLength(5);
      const screens: string[] = [];
      for (const args of [['list', 'web'], ['list']]) {
        const r = await run(args, { tty: true, columns }, { NO_COLOR: '1' });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        screens.push(`$ trigger ${args.join(' ')}\n${r.stdout}`);
      }
      const screen = screens.join('\n').replaceAll(`127.0.0.1:${port}/`, '127.0.0.1:18080/');
      expect(screen).toBe(readFileSync(join(ROOT, `test/golden/list-${columns}.txt`), 'utf8'));
      for (const line of screen.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
    });
  }
});

describeInPty('the built CLI in a pseudo-terminal', () => {
  /** The screen of `trigger ARGS` on a terminal `columns` wide, colour allowed unless `env` says otherwise. */
  async function pty(columns: number, args: string[], env: Record<string, string> = {}): Promise<{ code: number; screen: string }> {
    const { code, text } = await runInPty(args, { columns, rows: 50, env: { ...emulatorEnv(emu.url), ...env } });
    return { code, screen: text };
  }

  const lines = (screen: string): string[] => stripAnsi(screen).trimEnd().split('\n');

  for (const columns of [20, 40, 60, 80, 200]) {
    it(`at ${columns} columns no line is wider than the terminal, and each row keeps its UUID`, async () => {
      for (const [args, uuids] of [
        [['list', 'web'], WEB_TRIGGERS],
        [['list'], [...WEB_TRIGGERS, T_NIGHTLY]],
      ] as const) {
        const { code, screen } = await pty(columns, [...args]);
        expect(code).toBe(0);
        const shown = lines(screen);
        expect(shown).toHaveLength(uuids.length + 1);
        for (const line of shown) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
        if (columns >= 40) uuids.forEach((u, i) => expect(shown[i + 1]).toContain(u.slice(0, 8)));
      }
    });
  }

  it("the URL keeps what tells rows apart: the trigger's UUID at 60 and 80 columns, the host too at 120, all of it at 200", async () => {
    for (const columns of [60, 80]) {
      const shown = lines((await pty(columns, ['list', 'web'])).screen);
      WEB_TRIGGERS.forEach((u, i) => expect(shown[i + 1]).toMatch(new RegExp(`…(/trigger)?/${u.slice(0, 8)}`)));
      // Names whole where they fit; a long one shortened in the middle, where it has to be.
      expect(shown[1]).toContain(' deploy-hook ');
      expect(shown[4]).toMatch(columns === 60 ? / deploy-h\S*…\S*-west-1 / : / deploy-hook-production-eu-west-1 /);
    }
    const mid = lines((await pty(120, ['list', 'web'])).screen);
    WEB_TRIGGERS.forEach((u, i) => expect(mid[i + 1]).toContain(`   ${emu.url}/…/trigger/${u.slice(0, 8)}`));
    const wide = lines((await pty(200, ['list', 'web'])).screen);
    WEB_TRIGGERS.forEach((u, i) => expect(wide[i + 1].endsWith(`   ${emu.url}${triggerCallPath(WEB_DEMO, u)}`)).toBe(true));
  });

  it('--no-trunc keeps every cell whole on a terminal too', async () => {
    const { screen } = await pty(60, ['list', 'web', '--no-trunc']);
    for (const u of WEB_TRIGGERS) expect(stripAnsi(screen)).toContain(`${emu.url}${triggerCallPath(WEB_DEMO, u)}`);
    expect(stripAnsi(screen)).not.toContain('…');
  });

  it('colour: a bold header and a dimmed operation, which take no columns; none under NO_COLOR or --no-color', async () => {
    const coloured = (await pty(80, ['list', 'web'])).screen;
    expect(coloured).toContain('\x1b[1mUUID\x1b[22m');
    expect(coloured).toContain('\x1b[2mREDEPLOY\x1b[22m');
    expect(coloured).toContain('\x1b[2mSCALEUP\x1b[22m');
    const plain = (await pty(80, ['list', 'web'], { NO_COLOR: '1' })).screen;
    expect(plain).not.toContain('\x1b[');
    expect(stripAnsi(coloured)).toBe(plain);
    expect((await pty(80, ['list', 'web', '--no-color'])).screen).toBe(plain);
  });
});

describe('piped output is never fitted nor coloured', () => {
  it('whole cells, no escape sequences', async () => {
    const r = await spawnCli(['list', 'web'], emulatorEnv(emu.url));
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('…');
    expect(r.stdout).not.toContain('\x1b[');
    for (const u of WEB_TRIGGERS) expect(r.stdout).toContain(`${emu.url}${triggerCallPath(WEB_DEMO, u)}`);
    expect(r.stdout).toContain('deploy-hook-production-eu-west-1');
  });
});

describe('--json with fields', () => {
  it('--json name,uuid prints the array with those fields alone, in that order', async () => {
    const r = await run(['list', 'web', '--json', 'name,uuid']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(parsed[0]).toEqual({ name: 'deploy-hook', uuid: T_DEPLOY });
    expect(Object.keys(parsed[0])).toEqual(['name', 'uuid']);
    expect(parsed.map((t) => t.uuid)).toEqual(WEB_TRIGGERS);
    expect(JSON.parse((await run(['list', 'web', '--json=operation'])).stdout)[1]).toEqual({ operation: 'SCALEUP' });
  });

  it('--json alone prints every field; without a service, service and service_uuid can be chosen', async () => {
    const whole = JSON.parse((await run(['list', 'web', '--json'])).stdout) as Record<string, unknown>[];
    expect(Object.keys(whole[0])).toEqual(['uuid', 'name', 'operation', 'url', 'resource_uri']);
    const all = JSON.parse((await run(['list', '--json', 'service,name'])).stdout) as Record<string, unknown>[];
    expect(all.at(-1)).toEqual({ service: 'payments-gateway-eu-west', name: 'nightly-rebuild' });
  });

  const bad: [string, string[], RegExp, RegExp | undefined][] = [
    [
      'an unknown field',
      ['list', 'web', '--json', 'name,nosuch'],
      /^unknown --json field 'nosuch'; fields: uuid, name, operation, url, resource_uri$/,
      undefined,
    ],
    [
      'a capitalised field',
      ['list', 'web', '--json', 'Name'],
      /^unknown --json field 'Name'; did you mean 'name'\?$/,
      /put the arguments before --json/,
    ],
    [
      'a field of every service, with a service',
      ['list', 'web', '--json', 'service'],
      /^unknown --json field 'service'; fields: uuid, name/,
      /--json=FIELDS/,
    ],
    [
      'a service after --json',
      ['list', '--json', 'web'],
      /^unknown --json field 'web'; fields: uuid, name, operation, url, resource_uri, service, service_uuid, stack$/,
      /put the arguments before --json/,
    ],
    ['an empty field', ['list', 'web', '--json', 'name,,uuid'], /^--json takes field names separated by commas/, undefined],
    ['--json= with nothing', ['list', 'web', '--json='], /^--json takes field names separated by commas/, undefined],
    ['with --format', ['list', 'web', '--json', 'name', '--format', 'json'], /^--json and --format cannot be used together$/, undefined],
    ['create, a service after --json', ['create', '--json', 'web'], /^unknown --json field 'web'/, /put the arguments before --json/],
    ['inspect, an unknown field', ['inspect', 'web', 'old', '--json', 'nosuch'], /^unknown --json field 'nosuch'/, undefined],
  ];
  it.each(bad)('%s is a usage error before any request, exit 2', async (_, args, message, hint) => {
    const before = seen.length;
    const r = await spawnCli(args, emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, second] = r.stderr.trimEnd().split('\n');
    expect(first.replace(/^Error: /, '')).toMatch(message);
    if (hint) expect(second).toMatch(hint);
    expect(seen.length).toBe(before);
  });
});

describe('an empty result', () => {
  it('the table says so on stderr, for one service or for every service; stdout stays the header alone', async () => {
    expect(await run(['list', 'redis'])).toEqual({
      code: 0,
      stdout: 'UUID   NAME   OPERATION   URL\n',
      stderr: 'no triggers in service redis\n',
    });
    expect(await run(['list', 'redis', '--no-header'])).toEqual({ code: 0, stdout: '', stderr: 'no triggers in service redis\n' });
    expect(await run(['list', 'redis', '--format', 'table'])).toEqual({
      code: 0,
      stdout: 'UUID   NAME   OPERATION   URL\n',
      stderr: 'no triggers in service redis\n',
    });
    const tty = await run(['list', REDIS], { tty: true, columns: 80 });
    expect(tty.stderr).toBe(`no triggers in service ${REDIS.slice(0, 8)}\n`);
  });

  it('for every service, when none has a trigger', async () => {
    const empty = await startEmulator({ seed: [{ name: 'redis' }, { name: 'web' }] });
    try {
      expect(await runCli(['list'], emulatorEnv(empty.url))).toEqual({
        code: 0,
        stdout: 'SERVICE   UUID   NAME   OPERATION   URL\n',
        stderr: 'no triggers\n',
      });
    } finally {
      await empty.close();
    }
  });

  it('-q, --json and --format templates print what they always did, and nothing on stderr (as gh with --json or --template)', async () => {
    expect(await run(['list', 'redis', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['list', 'redis', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    expect(await run(['list', 'redis', '--json', 'name'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    expect(await run(['list', 'redis', '--format', '{{.name}}'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['list', 'redis', '--format', 'json'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['list', 'redis', '--format', 'table {{.name}}'])).toEqual({ code: 0, stdout: 'NAME\n', stderr: '' });
  });

  it('the built CLI: exit 0, the header on stdout, the notice on stderr', async () => {
    expect(await spawnCli(['list', 'redis'], emulatorEnv(emu.url))).toEqual({
      code: 0,
      stdout: 'UUID   NAME   OPERATION   URL\n',
      stderr: 'no triggers in service redis\n',
    });
  });
});

describe('services named as name.stack', () => {
  const stackReads = (): string[] => seen.filter((s) => s.startsWith('GET /api/app/v1/stack/'));

  it('without a service: the SERVICE column says name.stack; --json and templates have service and stack apart (built CLI)', async () => {
    const env = emulatorEnv(emu.url);
    const table = await spawnCli(['list'], env);
    expect(table.code).toBe(0);
    const services = table.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/ {3,}/)[0]);
    expect(services).toEqual(['web.demo', 'web.demo', 'web.demo', 'web.demo', 'payments-gateway-eu-west.staging']);
    const objects = JSON.parse((await spawnCli(['list', '--json', 'service,stack,name'], env)).stdout) as Record<string, unknown>[];
    expect(objects[0]).toEqual({ service: 'web', stack: 'demo', name: 'deploy-hook' });
    expect(objects.at(-1)).toEqual({ service: 'payments-gateway-eu-west', stack: 'staging', name: 'nightly-rebuild' });
    const whole = JSON.parse((await spawnCli(['list', '--json'], env)).stdout) as Record<string, unknown>[];
    expect(Object.keys(whole[0])).toEqual(['uuid', 'name', 'operation', 'url', 'resource_uri', 'service', 'service_uuid', 'stack']);
    const template = await spawnCli(['list', '--format', '{{.service}}.{{.stack}} {{.name}}'], env);
    expect(template.stdout.split('\n')[0]).toBe('web.demo deploy-hook');
  });

  it('each stack is read once a run, however many services and triggers it has; a list of one service reads none', async () => {
    seen.length = 0;
    expect((await run(['list'])).code).toBe(0);
    // demo and staging: staging has two services, one with no triggers.
    expect(stackReads().sort()).toEqual(emu.store.stacks.map((s) => `GET /api/app/v1/stack/${s.uuid}/`).sort());
    expect(stackReads()).toHaveLength(2);
    seen.length = 0;
    expect((await run(['list', 'web'])).code).toBe(0);
    expect(stackReads()).toEqual([]);
  });

  it('an empty service is named name.stack too, on stderr', async () => {
    expect(await spawnCli(['list', 'quiet'], emulatorEnv(emu.url))).toEqual({
      code: 0,
      stdout: 'UUID   NAME   OPERATION   URL\n',
      stderr: 'no triggers in service quiet.staging\n',
    });
  });

  it('behind an API without stacks (404 for them), services go by their names alone and stack is null; nothing fails', async () => {
    const proxy = await startFaultServer();
    try {
      proxy.route('GET', /^\/api\/app\/v1\/stack\//, json(404, { error: 'Not found' }));
      proxy.fallback(forward(emu.url));
      const env = emulatorEnv(proxy.url);
      const table = await runCli(['list'], env);
      expect(table.stderr).toBe('');
      expect(table.code).toBe(0);
      expect(
        table.stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) => l.split(/ {3,}/)[0]),
      ).toEqual(['web', 'web', 'web', 'web', 'payments-gateway-eu-west']);
      const objects = JSON.parse((await runCli(['list', '--json', 'stack'], env)).stdout) as Record<string, unknown>[];
      expect(objects.every((o) => o.stack === null)).toBe(true);
      expect(await runCli(['list', 'quiet'], env)).toEqual({
        code: 0,
        stdout: 'UUID   NAME   OPERATION   URL\n',
        stderr: 'no triggers in service quiet\n',
      });
    } finally {
      await proxy.close();
    }
  });
});

describe('a service that matches nothing', () => {
  it('suggests the closest services, by name.stack, as commander suggests commands (built CLI, exit 4)', async () => {
    const env = emulatorEnv(emu.url);
    expect(await spawnCli(['ls', 'wbe'], env)).toEqual({
      code: 4,
      stdout: '',
      stderr: "Error: cannot find a service with the identifier 'wbe'; did you mean web.demo?\n",
    });
    expect((await spawnCli(['ls', 'payments-gateway-eu-wset'], env)).stderr).toBe(
      "Error: cannot find a service with the identifier 'payments-gateway-eu-wset'; did you mean payments-gateway-eu-west.staging?\n",
    );
    expect((await spawnCli(['ls', 'nothing-like-it'], env)).stderr).toBe(
      "Error: cannot find a service with the identifier 'nothing-like-it'\n",
    );
  });
});
