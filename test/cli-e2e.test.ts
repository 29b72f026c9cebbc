// End-to-end tests of the `trigger` CLI: the built binary (bin/trigger.cjs) spawned against the
// in-process emulator, plus in-process runs (runCli) for the finer branches. Real HTTP on loopback.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedService } from '../src/emulator/store.js';
import { emulatorEnv, ROOT, runCli, spawnCli, tempHome, TRIGGER_BIN, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { API, DB, MISSING, T_DEPLOY, T_OLD, T_SCALE, WEB_DEMO, WEB_OTHER, webDemo } from './helpers/fixture.js';
import { deadPort } from './helpers/net.js';

const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const GOLDEN_LIST = join(ROOT, 'test/golden/list.txt');

// Besides the shared services and triggers (test/helpers/fixture.ts): a service with no triggers, and api's trigger.
const EMPTY = 'e0e0e0e0-0000-4000-8000-000000000005';
const T_API = '3a3a3a3a-0000-4000-8000-00000000000d';

function seed(): SeedService[] {
  return [
    webDemo(),
    { uuid: WEB_OTHER, name: 'web', stack: 'other', triggers: [{ name: 'other-hook' }] },
    { uuid: API, name: 'api', stack: null, triggers: [{ uuid: T_API, name: 'api-hook', operation: 'REDEPLOY' }] },
    { uuid: DB, name: 'db', stack: null },
    { uuid: EMPTY, name: 'empty', stack: null },
  ];
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Starts an emulator that records every request it receives. */
async function startRecording(opts: Parameters<typeof startEmulator>[0] = {}): Promise<{ emu: RunningEmulator; seen: Seen[] }> {
  const emu = await startEmulator({ seed: seed(), ...opts });
  const seen: Seen[] = [];
  emu.server.on('request', (req) => seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers }));
  running.push(emu);
  return { emu, seen };
}

const running: RunningEmulator[] = [];
const tmpDirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trigger-e2e-'));
  tmpDirs.push(d);
  return d;
}

/** The stderr of a failed run: a first line `Error: ...`, no stack trace, no [object Object]. */
function expectErrorLine(r: Result, ...parts: (string | RegExp)[]): string {
  const first = r.stderr.split('\n')[0]!;
  expect(first).toMatch(/^Error: \S/);
  for (const p of parts) {
    if (typeof p === 'string') expect(first).toContain(p);
    else expect(first).toMatch(p);
  }
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('[object Object]');
  expect(r.stderr.match(/^Error:/gm)).toHaveLength(1);
  return first;
}

/** Checks a borderless table: header first, columns aligned, 3-space gaps, no trailing spaces. */
function parseTable(text: string, headers = ['UUID', 'NAME', 'OPERATION', 'URL']): string[][] {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const starts = headers.map((h) => lines[0]!.indexOf(h));
  expect(starts[0]).toBe(0);
  for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1]!);
  const rows = lines.map((line) => {
    expect(line).toBe(line.trimEnd());
    return starts.map((s, i) => {
      if (i > 0) {
        expect(line.slice(s - 3, s)).toBe('   ');
        expect(line[s]).not.toBe(' ');
      }
      return line.slice(s, starts[i + 1] ?? line.length).trimEnd();
    });
  });
  for (let i = 0; i < starts.length - 1; i++) {
    const widest = Math.max(...rows.map((r) => r[i]!.length));
    expect(starts[i + 1]! - starts[i]! - widest).toBe(3);
  }
  expect(rows[0]).toEqual(headers);
  return rows.slice(1);
}

const callPath = (svc: string, trig: string, ns?: string): string =>
  `/api/app/v1/${ns ? `${ns}/` : ''}service/${svc}/trigger/${trig}/call/`;

describe('trigger list (spawned)', () => {
  it('prints the golden table: header, short UUIDs, absolute URLs; headers of the requests', async () => {
    const { emu, seen } = await startRecording();
    const r = await spawnCli(['list', 'web.demo'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const port = new URL(emu.url).port;
    expect(r.stdout.replaceAll(`127.0.0.1:${port}/`, '127.0.0.1:PORT/')).toBe(readFileSync(GOLDEN_LIST, 'utf8'));
    expect(r.stdout).not.toContain('\x1b[');
    const rows = parseTable(r.stdout);
    expect(rows).toEqual([
      [T_DEPLOY.slice(0, 8), 'deploy-hook', 'REDEPLOY', `${emu.url}${callPath(WEB_DEMO, T_DEPLOY)}`],
      [T_SCALE.slice(0, 8), 'scale-hook', 'SCALEUP', `${emu.url}${callPath(WEB_DEMO, T_SCALE)}`],
      [T_OLD.slice(0, 8), 'old', 'REDEPLOY', `${emu.url}${callPath(WEB_DEMO, T_OLD)}`],
    ]);
    expect(seen.length).toBeGreaterThan(0);
    for (const req of seen) {
      expect(req.headers['user-agent']).toBe(`trigger/${VERSION}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers.authorization).toBe(emu.auth);
    }
  });

  it('accepts every form of service identifier: full UUID, prefix (ls), name.stack and a unique name', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
    const [byName, byUuid, byPrefix, byUpper, api] = await Promise.all([
      spawnCli(['list', 'web.demo'], env),
      spawnCli(['list', WEB_DEMO], env),
      spawnCli(['ls', 'a1b2'], env),
      spawnCli(['list', WEB_DEMO.toUpperCase()], env),
      spawnCli(['list', 'api'], env),
    ]);
    for (const r of [byName, byUuid, byPrefix, byUpper, api]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(byName.stdout).toContain('deploy-hook');
    expect(byUuid.stdout).toBe(byName.stdout);
    expect(byPrefix.stdout).toBe(byName.stdout);
    expect(byUpper.stdout).toBe(byName.stdout);
    expect(parseTable(api.stdout)).toEqual([[T_API.slice(0, 8), 'api-hook', 'REDEPLOY', `${emu.url}${callPath(API, T_API)}`]]);
  });

  it('--no-trunc shows full UUIDs, -q prints full UUIDs one per line, --json prints the array', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
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
      [T_DEPLOY, 'deploy-hook', 'REDEPLOY', callPath(WEB_DEMO, T_DEPLOY)],
      [T_SCALE, 'scale-hook', 'SCALEUP', callPath(WEB_DEMO, T_SCALE)],
      [T_OLD, 'old', 'REDEPLOY', callPath(WEB_DEMO, T_OLD)],
    ]);
  });

  it('a service without triggers prints the header alone, and says so on stderr', async () => {
    const { emu } = await startRecording();
    const r = await spawnCli(['list', 'empty'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 0, stdout: 'UUID   NAME   OPERATION   URL\n', stderr: 'no triggers in service empty\n' });
  });

  it('ambiguous service identifiers (same name in two stacks, shared UUID prefix) list the candidates, exit 4', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
    const [byName, byPrefix] = await Promise.all([spawnCli(['list', 'web'], env), spawnCli(['list', 'c0ffee0'], env)]);
    for (const r of [byName, byPrefix]) {
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
    }
    expect(byName.stderr).toBe(
      `Error: more than one service matches 'web'; use name.stack or its UUID prefix:\n  ${WEB_DEMO.slice(0, 8)}  web.demo\n  ${WEB_OTHER.slice(0, 8)}  web.other\n`,
    );
    expect(byPrefix.stderr).toBe(`Error: more than one service matches 'c0ffee0'; use its UUID prefix:\n  ${API.slice(0, 8)}  api\n  ${DB.slice(0, 8)}  db\n`);
  });

  it('an unknown service (name or full UUID) is a not-found error naming it, exit 4', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
    const [byName, byUuid] = await Promise.all([spawnCli(['list', 'nosuch'], env), spawnCli(['list', MISSING], env)]);
    for (const r of [byName, byUuid]) {
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
    }
    expectErrorLine(byName, "'nosuch'");
    expectErrorLine(byUuid, MISSING);
  });

  it('follows every page: 130 triggers with page size 25 are all listed, in order', async () => {
    const triggers = Array.from({ length: 130 }, (_, i) => ({
      uuid: `${(0x10000000 + i).toString(16)}-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `hook-${String(i).padStart(3, '0')}`,
      operation: i % 2 ? 'SCALEUP' : 'REDEPLOY',
    }));
    const { emu, seen } = await startRecording({ seed: [{ uuid: WEB_DEMO, name: 'big', triggers }], pageSize: 25 });
    const r = await spawnCli(['list', 'big', '--no-trunc'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseTable(r.stdout);
    expect(rows.map((row) => row[0])).toEqual(triggers.map((t) => t.uuid));
    expect(rows.map((row) => row[1])).toEqual(triggers.map((t) => t.name));
    expect(rows.map((row) => row[2])).toEqual(triggers.map((t) => t.operation));
    const pages = seen.filter((s) => s.url.startsWith(`/api/app/v1/service/${WEB_DEMO}/trigger/`));
    expect(pages.length).toBeGreaterThanOrEqual(6);
  });
});

describe('colour (spawned)', () => {
  it('piped output has no escapes; FORCE_COLOR=1 adds them; NO_COLOR and --no-color win over it', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
    const [plain, forced, noColorEnv, noColorFlag] = await Promise.all([
      spawnCli(['list', 'web.demo'], env),
      spawnCli(['list', 'web.demo'], { ...env, FORCE_COLOR: '1' }),
      spawnCli(['list', 'web.demo'], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' }),
      spawnCli(['--no-color', 'list', 'web.demo'], { ...env, FORCE_COLOR: '1' }),
    ]);
    for (const r of [plain, forced, noColorEnv, noColorFlag]) expect(r.code).toBe(0);
    expect(plain.stdout).not.toContain('\x1b[');
    expect(forced.stdout).toContain('\x1b[');
    // eslint-disable-next-line no-control-regex
    expect(forced.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain.stdout);
    expect(noColorEnv.stdout).toBe(plain.stdout);
    expect(noColorFlag.stdout).toBe(plain.stdout);
  });
});

describe('trigger create (spawned)', () => {
  it('creates a REDEPLOY trigger by default and prints it with full UUID and URL', async () => {
    const { emu } = await startRecording();
    const r = await spawnCli(['create', 'empty', '-n', 'my-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stored = emu.store.service(EMPTY)!.triggers;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'my-hook', operation: 'REDEPLOY' });
    expect(parseTable(r.stdout)).toEqual([[stored[0]!.uuid, 'my-hook', 'REDEPLOY', `${emu.url}${callPath(EMPTY, stored[0]!.uuid)}`]]);
  });

  it('takes the operation in any case; -q prints the UUID only, --json the object', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
    const [quiet, json] = await Promise.all([
      spawnCli(['create', 'db', '-o', 'scaleup', '-q'], env),
      spawnCli(['create', 'api', '--operation', 'ScaleUp', '-n', 'grow', '--json'], env),
    ]);
    for (const r of [quiet, json]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const dbTriggers = emu.store.service(DB)!.triggers;
    expect(dbTriggers).toHaveLength(1);
    expect(dbTriggers[0]!.operation).toBe('SCALEUP');
    expect(quiet.stdout).toBe(`${dbTriggers[0]!.uuid}\n`);
    const created = JSON.parse(json.stdout) as { uuid: string; name: string; operation: string; url: string };
    expect(created).toMatchObject({ name: 'grow', operation: 'SCALEUP', url: callPath(API, created.uuid) });
    expect(emu.store.service(API)!.triggers.map((t) => t.uuid)).toContain(created.uuid);
  });

  it('an unknown operation is a usage error (exit 2) before any request', async () => {
    const { emu, seen } = await startRecording();
    const r = await spawnCli(['create', 'api', '-o', 'explode'], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectErrorLine(r, 'explode');
    expect(seen).toHaveLength(0);
    expect(emu.store.service(API)!.triggers).toHaveLength(1);
  });
});

describe('trigger inspect (spawned)', () => {
  it('prints a pretty JSON array, in argument order, for a UUID, a prefix and a name', async () => {
    const { emu } = await startRecording();
    const r = await spawnCli(['inspect', 'web.demo', T_OLD, 'd2d2', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[\n {2}\{\n {4}"uuid"/);
    const parsed = JSON.parse(r.stdout) as { uuid: string; name: string; resource_uri: string }[];
    expect(parsed.map((t) => [t.uuid, t.name])).toEqual([
      [T_OLD, 'old'],
      [T_SCALE, 'scale-hook'],
      [T_DEPLOY, 'deploy-hook'],
    ]);
    expect(parsed[0]!.resource_uri).toBe(`/api/app/v1/service/${WEB_DEMO}/trigger/${T_OLD}/`);
  });
});

describe('trigger rm (spawned)', () => {
  it('removes the good identifiers, reports the bad one on stderr, exits 1', async () => {
    const { emu } = await startRecording();
    const r = await spawnCli(['rm', 'web.demo', 'deploy-hook', 'nosuch', 'd2d2'], emulatorEnv(emu.url));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${T_DEPLOY}\n${T_SCALE}\n`);
    expectErrorLine(r, "'nosuch'");
    expect(emu.store.service(WEB_DEMO)!.triggers.map((t) => t.uuid)).toEqual([T_OLD]);
  });

  it('removes by full UUID with --json (service by prefix)', async () => {
    const { emu } = await startRecording();
    const r = await spawnCli(['rm', 'a1b2c3', T_OLD, '--json'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([T_OLD]);
    expect(emu.store.service(WEB_DEMO)!.triggers.map((t) => t.uuid)).toEqual([T_DEPLOY, T_SCALE]);
  });
});

describe('trigger call (spawned)', () => {
  it('calls by service and trigger name: no Authorization on the call, prints what and the action URI', async () => {
    const { emu, seen } = await startRecording();
    const r = await spawnCli(['call', 'web.demo', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.state.actions).toHaveLength(1);
    const actionUri = `/api/audit/v1/action/${emu.store.state.actions[0]!.uuid}/`;
    expect(r.stdout).toContain('deploy-hook');
    expect(r.stdout).toContain(actionUri);
    const calls = seen.filter((s) => s.method === 'POST');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(callPath(WEB_DEMO, T_DEPLOY));
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(calls[0]!.headers['user-agent']).toBe(`trigger/${VERSION}`);
    expect(calls[0]!.headers.accept).toBe('application/json');
  });

  it('--scale N on a SCALEUP trigger raises the target; --json gives status, action_uri and body', async () => {
    const { emu, seen } = await startRecording();
    const before = emu.store.service(WEB_DEMO)!.target_num_containers;
    const r = await spawnCli(['call', WEB_DEMO, 'scale-hook', '--scale', '2', '--json'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.target_num_containers).toBe(before + 2);
    const out = JSON.parse(r.stdout) as { status: number; action_uri: string; body: { uuid: string } };
    const action = emu.store.state.actions[0]!;
    expect(out.status).toBe(202);
    expect(out.action_uri).toBe(`/api/audit/v1/action/${action.uuid}/`);
    expect(out.body.uuid).toBe(action.uuid);
    expect(seen.filter((s) => s.method === 'POST').map((s) => s.url)).toEqual([`${callPath(WEB_DEMO, T_SCALE)}2/`]);
  });

  it('calls a full URL without any credentials, sending --data literally', async () => {
    const { emu, seen } = await startRecording();
    const env = { ...tempHome() };
    const r = await spawnCli(['call', `${emu.url}${callPath(WEB_DEMO, T_DEPLOY)}`, '--data', '{"ref":"main"}'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('{"ref":"main"}');
    expect(r.stdout).toContain(`/api/audit/v1/action/${emu.store.state.actions[0]!.uuid}/`);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('calls a path under the REST host with --data @file, and a URL with --data - from stdin', async () => {
    const { emu, seen } = await startRecording();
    const dir = tempDir();
    const file = join(dir, 'body.json');
    writeFileSync(file, '{"from":"file"}\n');
    const env = emulatorEnv(emu.url);
    const viaPath = await spawnCli(['call', callPath(API, T_API), '--data', `@${file}`], env);
    expect(viaPath.stderr).toBe('');
    expect(viaPath.code).toBe(0);
    expect(emu.store.service(API)!.last_trigger_body).toBe('{"from":"file"}\n');
    const viaStdin = await spawnCli(['call', `${emu.url}${callPath(WEB_DEMO, T_DEPLOY)}`, '--data', '-'], env, 'piped body');
    expect(viaStdin.stderr).toBe('');
    expect(viaStdin.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('piped body');
    const posts = seen.filter((s) => s.method === 'POST');
    expect(posts.map((s) => s.url)).toEqual([callPath(API, T_API), callPath(WEB_DEMO, T_DEPLOY)]);
    for (const p of posts) expect(p.headers.authorization).toBeUndefined();
  });

  it('--data @missing is a usage error (exit 2) and nothing is sent', async () => {
    const { emu, seen } = await startRecording();
    const missing = join(tempDir(), 'missing.json');
    const r = await spawnCli(['call', 'web.demo', 'deploy-hook', '--data', `@${missing}`], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectErrorLine(r, 'missing.json');
    expect(seen).toHaveLength(0);
    expect(emu.store.state.actions).toHaveLength(0);
  });
});

describe('authentication and network (spawned)', () => {
  it('a wrong API key (401) exits 3 with an Error line', async () => {
    const { emu } = await startRecording();
    const r = await spawnCli(['list', 'web.demo'], emulatorEnv(emu.url, { DOCKERCLOUD_APIKEY: 'wrong-key' }));
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expectErrorLine(r, '401');
    expect(r.stderr).not.toContain('wrong-key');
  });

  it('no credentials at all exits 3 with a message saying how to log in, before any request', async () => {
    const { emu, seen } = await startRecording();
    const r = await spawnCli(['list', 'web.demo'], { ...tempHome(), DOCKERCLOUD_REST_HOST: `${emu.url}/` });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expectErrorLine(r, /credentials/i);
    expect(r.stderr).toContain('DOCKERCLOUD_USER');
    expect(r.stderr).toContain('DOCKERCLOUD_APIKEY');
    expect(seen).toHaveLength(0);
  });

  it('a port with nothing listening exits 5', async () => {
    const port = await deadPort();
    const r = await spawnCli(['list', 'web.demo'], emulatorEnv(`http://127.0.0.1:${port}`));
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expectErrorLine(r, /refused|reach/);
  });
});

describe('command line (spawned)', () => {
  it('--version and -v (also after the subcommand) print the version', async () => {
    const env = tempHome();
    const [long, short, after] = await Promise.all([
      spawnCli(['--version'], env),
      spawnCli(['-v'], env),
      spawnCli(['list', 'web', '-v'], env),
    ]);
    for (const r of [long, short, after]) expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('--help shows usage, the commands, examples and the exit codes on stdout', async () => {
    const env = tempHome();
    const [root, call] = await Promise.all([spawnCli(['--help'], env), spawnCli(['call', '-h'], env)]);
    expect(root.code).toBe(0);
    expect(root.stderr).toBe('');
    expect(root.stdout).toContain('Usage: trigger');
    for (const cmd of ['list', 'create', 'inspect', 'rm', 'call']) expect(root.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(root.stdout).toMatch(/Examples:\n\s+\$ trigger /);
    expect(root.stdout).toContain('Exit codes:');
    for (const code of [0, 1, 2, 3, 4, 5]) expect(root.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
    expect(call.code).toBe(0);
    expect(call.stderr).toBe('');
    expect(call.stdout).toContain('Usage: trigger call');
    expect(call.stdout).toMatch(/Examples:\n\s+\$ trigger call /);
  });

  it('unknown command, unknown option and missing argument: one Error line, exit 2, nothing on stdout', async () => {
    const env = tempHome();
    const [command, option, missing] = await Promise.all([
      spawnCli(['frobnicate'], env),
      spawnCli(['list', 'web', '--frobnicate'], env),
      spawnCli(['rm', 'web'], env),
    ]);
    for (const r of [command, option, missing]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    expectErrorLine(command, 'frobnicate');
    expectErrorLine(option, '--frobnicate');
    expectErrorLine(missing, /missing/i);
  });

  it('global options work before and after the subcommand: --host, --namespace', async () => {
    const { emu, seen } = await startRecording();
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const env = emulatorEnv(dead);
    const [after, before, ns] = await Promise.all([
      spawnCli(['list', 'web.demo', '--host', `${emu.url}/`], env),
      spawnCli(['--host', `${emu.url}/`, 'list', 'web.demo'], env),
      spawnCli(['list', 'web.demo', '-q', '--host', `${emu.url}/`, '--namespace', 'acme'], env),
    ]);
    for (const r of [after, before, ns]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(parseTable(after.stdout)[0]![3]).toBe(`${emu.url}${callPath(WEB_DEMO, T_DEPLOY)}`);
    expect(before.stdout).toBe(after.stdout);
    expect(ns.stdout).toBe(`${T_DEPLOY}\n${T_SCALE}\n${T_OLD}\n`);
    expect(seen.some((s) => s.url.startsWith('/api/app/v1/acme/service/'))).toBe(true);
    const nsTable = await spawnCli(['list', 'web.demo', '--namespace', 'acme'], emulatorEnv(emu.url));
    expect(nsTable.code).toBe(0);
    expect(parseTable(nsTable.stdout)[0]![3]).toBe(`${emu.url}${callPath(WEB_DEMO, T_DEPLOY, 'acme')}`);
  });

  it('a closed stdout (reader gone) does not crash with a stack trace', async () => {
    const { emu } = await startRecording();
    const closedStdout = (args: string[], env: Record<string, string>): Promise<{ stderr: string; code: number | null }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [TRIGGER_BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
        child.stdout.destroy();
        const err: Buffer[] = [];
        child.stderr.on('data', (c: Buffer) => err.push(c));
        child.on('error', reject);
        child.on('close', (code) => resolve({ stderr: Buffer.concat(err).toString('utf8'), code }));
        child.stdin.end();
      });
    const results = await Promise.all([
      closedStdout(['--help'], tempHome()),
      closedStdout(['list', 'web.demo'], emulatorEnv(emu.url)),
      closedStdout(['rm', 'web.demo', 'old', 'nosuch'], emulatorEnv(emu.url)),
    ]);
    for (const result of results) {
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain('Unhandled');
      expect(result.stderr).not.toContain('EPIPE');
    }
    // The exit code still says how the command went.
    expect(results.map((r) => r.code)).toEqual([0, 0, 1]);
    expect(results[2]!.stderr).toContain("cannot find a trigger with the identifier 'nosuch'");
  });
});

// ---------------------------------------------------------------------------------------------
// In-process runs (runCli) for the finer branches.

describe('credentials and settings from the environment (in-process)', () => {
  it('DOCKERCLOUD_AUTH wins over USER + APIKEY, which win over USER + PASS', async () => {
    const { emu } = await startRecording();
    const base = { ...tempHome(), DOCKERCLOUD_REST_HOST: `${emu.url}/` };
    const [authWins, authWrong, apikeyWins, passAlone] = await Promise.all([
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_AUTH: emu.auth, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'bad' }),
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_AUTH: 'Basic bm9wZTpub3Bl', DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'demo-apikey' }),
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'bad', DOCKERCLOUD_PASS: 'demo-apikey' }),
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_PASS: 'demo-apikey' }),
    ]);
    expect(authWins).toEqual({ code: 0, stdout: `${T_DEPLOY}\n${T_SCALE}\n${T_OLD}\n`, stderr: '' });
    expect(authWrong.code).toBe(3);
    expect(apikeyWins.code).toBe(3);
    expect(passAlone.code).toBe(0);
    expect(passAlone.stdout).toBe(authWins.stdout);
  });

  it('DOCKERCLOUD_NAMESPACE puts the namespace in the URLs; --namespace overrides it', async () => {
    const { emu, seen } = await startRecording();
    const env = emulatorEnv(emu.url, { DOCKERCLOUD_NAMESPACE: 'team1' });
    const fromEnv = await runCli(['list', 'web.demo', '--no-trunc'], env);
    expect(fromEnv.code).toBe(0);
    expect(parseTable(fromEnv.stdout)[0]![3]).toBe(`${emu.url}${callPath(WEB_DEMO, T_DEPLOY, 'team1')}`);
    const fromFlag = await runCli(['list', 'web.demo', '--namespace', 'team2'], env);
    expect(fromFlag.code).toBe(0);
    expect(fromFlag.stdout).toContain(callPath(WEB_DEMO, T_DEPLOY, 'team2'));
    expect(seen.every((s) => /^\/api\/app\/v1\/team[12]\//.test(s.url))).toBe(true);
  });

  it('invalid --host and --namespace values are usage errors before any request', async () => {
    const { emu, seen } = await startRecording();
    const env = emulatorEnv(emu.url);
    const host = await runCli(['list', 'web', '--host', 'ftp://example.com/'], env);
    const ns = await runCli(['list', 'web', '--namespace', 'a/b'], env);
    for (const r of [host, ns]) {
      expect(r.code).toBe(2);
      expectErrorLine(r);
    }
    expect(seen).toHaveLength(0);
  });

  it('every command named in an error hint exists (the no-credentials and 401 hints)', async () => {
    const { emu } = await startRecording();
    const none = await runCli(['list', 'web.demo'], { ...tempHome(), DOCKERCLOUD_REST_HOST: `${emu.url}/` });
    const wrong = await runCli(['list', 'web.demo'], emulatorEnv(emu.url, { DOCKERCLOUD_APIKEY: 'nope' }));
    expect(none.code).toBe(3);
    expect(wrong.code).toBe(3);
    const named = new Set([...`${none.stderr}\n${wrong.stderr}`.matchAll(/'trigger ([a-z-]+)/g)].map((m) => m[1]!));
    for (const command of named) {
      // An unknown command followed by --help shows the root help, so look for the command's own usage line.
      const help = await runCli([command, '--help'], tempHome());
      expect({ command, code: help.code, usage: help.stdout.includes(`Usage: trigger ${command}`) }).toEqual({ command, code: 0, usage: true });
    }
  });
});

describe('identifiers and partial failures (in-process)', () => {
  it('an ambiguous trigger prefix lists both candidates, exit 4, nothing removed', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['rm', 'web.demo', 'd'], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expectErrorLine(r, "'d'");
    expect(r.stderr).toBe(
      `Error: more than one trigger matches 'd' in service web.demo; use its UUID prefix:\n  ${T_DEPLOY.slice(0, 8)}  deploy-hook\n  ${T_SCALE.slice(0, 8)}  scale-hook\n`,
    );
    expect(emu.store.service(WEB_DEMO)!.triggers).toHaveLength(3);
  });

  it('rm where every identifier fails exits 4 and reports each one', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['rm', 'web.demo', 'nope-1', 'nope-2'], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("'nope-1'");
    expect(errors[1]).toContain("'nope-2'");
    expect(emu.store.service(WEB_DEMO)!.triggers).toHaveLength(3);
  });

  it('rm of a trigger in an unknown service exits 4', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['rm', 'nosuch', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expectErrorLine(r, "'nosuch'");
  });

  it('inspect goes on past a name that fails: prints the others, reports it, exits 1', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['inspect', 'web.demo', 'deploy-hook', 'nosuch', T_SCALE], emulatorEnv(emu.url));
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { uuid: string }[]).map((t) => t.uuid)).toEqual([T_DEPLOY, T_SCALE]);
    expectErrorLine(r, "'nosuch'");
  });

  it('inspect of an unknown full trigger UUID is a not-found naming it (exit 4)', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['inspect', 'web.demo', MISSING], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toEqual([]);
    // A trigger UUID is half a call URL: the message names it by its first 8 characters only.
    expectErrorLine(r, `'${MISSING.slice(0, 8)}…'`);
    expect(r.stderr).not.toContain(MISSING);
  });

  it('an identifier that could change the URL is a usage error before any request', async () => {
    const { emu, seen } = await startRecording();
    const env = emulatorEnv(emu.url);
    const cases = [['list', '../x'], ['rm', 'web.demo', 'a/b'], ['inspect', 'web.demo', 'x?y'], ['create', 'we%62'], ['call', 'web.demo', 'a b']];
    for (const args of cases) {
      const r = await runCli(args, env);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expectErrorLine(r, /identifier/);
    }
    expect(seen).toHaveLength(0);
    expect(emu.store.state.actions).toHaveLength(0);
  });
});

describe('call branches (in-process)', () => {
  it('--scale on a REDEPLOY trigger is a usage error and nothing is called', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['call', 'web.demo', 'deploy-hook', '--scale', '2'], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expectErrorLine(r, /scale/i);
    expect(emu.store.state.actions).toHaveLength(0);
  });

  it('--scale must be a positive integer: usage error before any request', async () => {
    const { emu, seen } = await startRecording();
    const env = emulatorEnv(emu.url);
    for (const value of ['0', '-1', '1.5', 'two', '']) {
      const r = await runCli(['call', 'web.demo', 'scale-hook', '--scale', value], env);
      expect({ value, code: r.code }).toEqual({ value, code: 2 });
      expectErrorLine(r, /scale/);
    }
    expect(seen).toHaveLength(0);
  });

  it('a call with one argument that is not a URL, or a URL that is not a call URL, is a usage error', async () => {
    const { emu, seen } = await startRecording();
    const env = emulatorEnv(emu.url);
    const one = await runCli(['call', 'web.demo'], env);
    const notCall = await runCli(['call', `${emu.url}/api/app/v1/service/${WEB_DEMO}/`], env);
    for (const r of [one, notCall]) {
      expect(r.code).toBe(2);
      expectErrorLine(r);
    }
    expect(seen).toHaveLength(0);
  });

  it('--data - reads standard input; the body reaches the service', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['call', 'web.demo', 'old', '--data', '-', '--json'], emulatorEnv(emu.url), { stdin: 'from stdin' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe(202);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('from stdin');
  });

  it('a SCALEUP call through a URL with --scale appends the count', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['call', `${emu.url}${callPath(WEB_DEMO, T_SCALE)}`, '--scale', '3'], { ...tempHome() });
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.target_num_containers).toBe(4);
  });
});

describe('help of every command (in-process)', () => {
  it('each subcommand --help shows its usage and examples, exit 0', async () => {
    for (const cmd of ['list', 'ls', 'create', 'inspect', 'rm', 'call']) {
      const r = await runCli([cmd, '--help'], tempHome());
      expect({ cmd, code: r.code, stderr: r.stderr }).toEqual({ cmd, code: 0, stderr: '' });
      expect(r.stdout).toContain('Usage: trigger ');
      expect(r.stdout).toMatch(/Examples:\n\s+\$ trigger /);
    }
  });

  it('list -q of a service without triggers prints nothing', async () => {
    const { emu } = await startRecording();
    const r = await runCli(['list', 'empty', '-q'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('secrets and paging without total_count (in-process)', () => {
  it('--debug masks the credentials and the trigger UUIDs of call URLs', async () => {
    const { emu } = await startRecording();
    const env = emulatorEnv(emu.url);
    const call = await runCli(['call', 'web.demo', 'deploy-hook', '--debug'], env);
    const inspect = await runCli(['inspect', 'web.demo', T_SCALE], { ...env, TRIGGER_DEBUG: '1' });
    for (const r of [call, inspect]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('[debug]');
      expect(r.stderr).not.toContain('demo-apikey');
      expect(r.stderr).not.toContain(emu.auth.slice('Basic '.length));
    }
    expect(call.stderr).toContain('/call/');
    expect(call.stderr).not.toContain(T_DEPLOY);
    expect(inspect.stderr).not.toContain(T_SCALE);
  });

  async function pagingServer(loop: boolean): Promise<{ url: string; server: Server }> {
    const all = Array.from({ length: 7 }, (_, i) => {
      const uuid = `7000000${i}-0000-4000-8000-000000000000`;
      return { uuid, name: `p${i}`, operation: 'REDEPLOY', url: callPath(WEB_DEMO, uuid), resource_uri: `/x/${uuid}/` };
    });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const objects = all.slice(offset, offset + 3);
      const nextOffset = loop ? 3 : offset + 3;
      const next = nextOffset < all.length ? `${url.pathname}?offset=${nextOffset}` : null;
      const body = JSON.stringify({ meta: { limit: 3, offset, next, previous: null }, objects });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
  }

  it('follows meta.next when the API gives no total_count; a looping next is an API failure (exit 1)', async () => {
    const good = await pagingServer(false);
    const looping = await pagingServer(true);
    try {
      const env = { ...tempHome(), DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'k' };
      const r = await runCli(['list', WEB_DEMO, '-q', '--host', good.url], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 7 }, (_, i) => `7000000${i}-0000-4000-8000-000000000000`));
      const bad = await runCli(['list', WEB_DEMO, '-q', '--host', looping.url], env);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toBe('');
      expectErrorLine(bad);
    } finally {
      for (const { server } of [good, looping]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });
});
