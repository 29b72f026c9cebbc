// Bad input from the user, across every command: each invalid identifier in every position that takes
// one, and each invalid host, namespace, scale, data file, timeout, operation, name and call URL, is a
// usage error (one `Error:` line, exit 2) before anything is sent, which the loopback emulator checks
// by counting the connections and requests it receives; a password in a rejected host is not echoed;
// and the checks are not so broad that valid input is refused. In-process, and a corpus through the
// built CLI. (What only one command checks is tested with that command, in test/commands/.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorEnv, runCli, spawnCli, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { expectErrorLine } from './helpers/expect.js';
import { standardSeed, T_DEPLOY, WEB_DEMO, webDemo } from './helpers/fixture.js';
import { registerSecret } from './helpers/secrets.js';

const SVC = WEB_DEMO;

let emu: RunningEmulator;
let env: Record<string, string>;
let requests = 0;
let connections = 0;
const tmpDirs: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
  emu.server.on('request', () => requests++);
  emu.server.on('connection', () => connections++);
  env = emulatorEnv(emu.url);
});
afterAll(async () => {
  await emu.close();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trigger-bad-input-'));
  tmpDirs.push(d);
  return d;
}

/** A usage error: exit 2, nothing on stdout, one `Error:` line first, no stack, no raw control characters. */
function expectUsage(r: Result, message: RegExp, label = ''): void {
  const first = r.stderr.split('\n')[0];
  expect(r.code, `${label}\n${r.stderr}`).toBe(2);
  expect(first, label).toMatch(/^Error: \S/);
  expect(first, label).toMatch(message);
  expect(r.stderr.match(/^Error:/gm), label).toHaveLength(1);
  expect(r.stderr, label).not.toMatch(/^\s+at /m);
  expect(r.stderr, label).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(r.stdout, label).toBe('');
}

/** Runs `fn` and checks that the emulator saw no connection and no request meanwhile. */
async function expectNothingSent<T>(fn: () => Promise<T>): Promise<T> {
  const before = { requests, connections };
  const result = await fn();
  expect({ requests, connections }).toEqual(before);
  return result;
}

// --- the corpus ---

interface Case {
  name: string;
  args: string[];
  message: RegExp;
  env?: Record<string, string>;
}

const BAD_IDS: [string, string, RegExp][] = [
  ['a slash', 'web/../../x', /contains one of \/ \? # %/],
  ['..', '..', /contains '\.\.'/],
  ['a question mark', 'web?x=1', /contains one of/],
  ['a hash', 'web#x', /contains one of/],
  ['a percent sign', 'web%2F..', /contains one of/],
  ['a backslash', 'web\\x', /contains one of/],
  ['a space', 'deploy hook', /contains white space/],
  ['a no-break space', 'deploy\u00a0hook', /contains white space/],
  ['a tab', 'deploy\thook', /contains control characters/],
  ['a line break', 'deploy\nhook', /contains control characters/],
  ['a terminal escape', 'x\u001b]0;pwned\u0007', /contains control characters/],
  ['a C1 control (CSI)', 'x\u009b31m', /contains control characters/],
  ['257 characters', 'a'.repeat(257), /is longer than 256 characters/],
  ['nothing (empty)', '', /is empty/],
];

/** Every place an identifier goes: [label, kind, args for a bad id]. */
const POSITIONS: [string, 'service' | 'trigger', (id: string) => string[]][] = [
  ['list <service>', 'service', (id) => ['list', id]],
  ['create <service>', 'service', (id) => ['create', id, '-n', 'hook']],
  ['inspect <service>', 'service', (id) => ['inspect', id, 'deploy-hook']],
  ['inspect <trigger>', 'trigger', (id) => ['inspect', 'web', id]],
  ['inspect <trigger> (second of two)', 'trigger', (id) => ['inspect', 'web', 'deploy-hook', id]],
  ['rm <service>', 'service', (id) => ['rm', id, 'deploy-hook']],
  ['rm <trigger>', 'trigger', (id) => ['rm', 'web', id]],
  ['rm <trigger> (second of two)', 'trigger', (id) => ['rm', 'web', 'deploy-hook', id]],
  ['call <service>', 'service', (id) => ['call', id, 'deploy-hook']],
  ['call <trigger>', 'trigger', (id) => ['call', 'web', id]],
  ['rotate <service>', 'service', (id) => ['rotate', id, 'deploy-hook']],
  ['rotate <trigger>', 'trigger', (id) => ['rotate', 'web', id]],
];

const identifierCases: Case[] = POSITIONS.flatMap(([where, kind, args]) =>
  BAD_IDS.map(([what, id, why]): Case => ({
    name: `${where}: ${what}`,
    args: args(id),
    message: new RegExp(`^Error: invalid ${kind} identifier '.*': it ${why.source}`),
  })),
);

const HOST_PASSWORD = registerSecret('host-pw-Qx81vZ');

function optionCases(): Case[] {
  const port = new URL(emu.url).port;
  const missing = join(tempDir(), 'missing.json');
  const folder = tempDir();
  return [
    {
      name: '--host ftp://',
      args: ['list', 'web', '--host', `ftp://127.0.0.1:${port}/`],
      message: /--host must be an http\(s\) URL, not a ftp URL/,
    },
    {
      name: '--host file://',
      args: ['--host', 'file:///etc/passwd', 'list', 'web'],
      message: /--host must be an http\(s\) URL, not a file URL/,
    },
    { name: '--host not a URL', args: ['list', 'web', '--host', 'cloud docker com'], message: /--host must be an http\(s\) URL/ },
    {
      name: '--host with credentials',
      args: ['list', 'web', '--host', `https://alice:${HOST_PASSWORD}@127.0.0.1:${port}/`],
      message: /--host must not carry credentials/,
    },
    {
      name: '--host with a path',
      args: ['list', 'web', '--host', `http://127.0.0.1:${port}/api/app/v1/`],
      message: /--host must be the root of the API host/,
    },
    {
      name: '--host with a query',
      args: ['list', 'web', '--host', `http://127.0.0.1:${port}/?next=/x`],
      message: /--host must be the root of the API host/,
    },
    {
      name: 'DOCKERCLOUD_REST_HOST with credentials',
      args: ['list', 'web'],
      env: { DOCKERCLOUD_REST_HOST: `http://alice:${HOST_PASSWORD}@127.0.0.1:${port}/` },
      message: /DOCKERCLOUD_REST_HOST must not carry credentials/,
    },
    {
      name: '--namespace with a slash',
      args: ['list', 'web', '--namespace', 'acme/../x'],
      message: /--namespace must be a user or organisation name/,
    },
    {
      name: '--scale 0',
      args: ['call', 'web', 'scale-hook', '--scale', '0'],
      message: /--scale must be a whole number from 1 to 1000, not '0'/,
    },
    {
      name: '--scale -1',
      args: ['call', 'web', 'scale-hook', '--scale=-1'],
      message: /--scale must be a whole number from 1 to 1000, not '-1'/,
    },
    { name: '--scale 1.5', args: ['call', 'web', 'scale-hook', '--scale', '1.5'], message: /--scale must be a whole number .*'1\.5'/ },
    {
      name: '--scale 100000',
      args: ['call', 'web', 'scale-hook', '--scale', '100000'],
      message: /--scale must be a whole number .*'100000'/,
    },
    { name: '--scale 1e3', args: ['call', 'web', 'scale-hook', '--scale', '1e3'], message: /--scale must be a whole number .*'1e3'/ },
    { name: '--scale abc', args: ['call', 'web', 'scale-hook', '--scale', 'abc'], message: /--scale must be a whole number .*'abc'/ },
    { name: '--scale empty', args: ['call', 'web', 'scale-hook', '--scale', ''], message: /--scale must be a whole number/ },
    {
      name: '--data @missing-file',
      args: ['call', 'web', 'deploy-hook', '--data', `@${missing}`],
      message: /cannot read the --data file '.*missing\.json': no such file/,
    },
    {
      name: '--data @folder',
      args: ['call', 'web', 'deploy-hook', '--data', `@${folder}`],
      message: /cannot read the --data file .*: it is a folder/,
    },
    {
      name: '--timeout 0',
      args: ['list', 'web', '--timeout', '0'],
      message: /--timeout must be a number of seconds greater than 0.*not '0'/,
    },
    { name: '--timeout abc', args: ['list', 'web', '--timeout', 'abc'], message: /--timeout must be a number of seconds.*not 'abc'/ },
    { name: '--timeout -5', args: ['list', 'web', '--timeout=-5'], message: /--timeout must be a number of seconds/ },
    {
      name: 'DOCKERCLOUD_TIMEOUT=0',
      args: ['list', 'web'],
      env: { DOCKERCLOUD_TIMEOUT: '0' },
      message: /DOCKERCLOUD_TIMEOUT must be a number of seconds/,
    },
    {
      name: '--wait-timeout 0',
      args: ['call', 'web', 'deploy-hook', '--wait', '--wait-timeout', '0'],
      message: /--wait-timeout must be a number of seconds/,
    },
    {
      name: 'unknown --operation',
      args: ['create', 'web', '-o', 'RESTART'],
      message: /unknown operation 'RESTART': use REDEPLOY or SCALEUP/,
    },
    { name: 'empty --operation', args: ['create', 'web', '-o', ''], message: /unknown operation '': use REDEPLOY or SCALEUP/ },
    { name: 'empty name', args: ['create', 'web', '-n', ''], message: /^Error: invalid trigger name '': it is empty$/ },
    { name: 'blank name', args: ['create', 'web', '-n', '   '], message: /^Error: invalid trigger name ' {3}': it contains white space$/ },
    {
      name: 'name with an escape sequence',
      args: ['create', 'web', '-n', 'a\u001b[31mred'],
      message: /^Error: invalid trigger name '.*': it contains control characters$/,
    },
    {
      name: 'name of 257 characters',
      args: ['create', 'web', '-n', 'n'.repeat(257)],
      message: /^Error: invalid trigger name 'n+': it is longer than 256 characters$/,
    },
    {
      name: 'name with a space',
      args: ['create', 'web', '-n', 'with space'],
      message: /^Error: invalid trigger name 'with space': it contains white space$/,
    },
    {
      name: 'name with a slash',
      args: ['create', 'web', '-n', 'a/b'],
      message: /^Error: invalid trigger name 'a\/b': it contains one of \/ \? # % \\$/,
    },
    {
      name: 'name with a percent sign',
      args: ['create', 'web', '-n', '50%'],
      message: /^Error: invalid trigger name '50%': it contains one of/,
    },
    {
      name: 'call URL that is not a call path',
      args: ['call', `http://127.0.0.1:${port}/api/app/v1/service/${SVC}/`],
      message: /the trigger URL must be a trigger call URL/,
    },
    {
      name: 'call URL with credentials',
      args: ['call', `http://alice:${HOST_PASSWORD}@127.0.0.1:${port}/api/app/v1/service/${SVC}/trigger/${T_DEPLOY}/call/`],
      message: /the trigger URL must be a trigger call URL/,
    },
    {
      name: 'call URL not http(s)',
      args: ['call', `ftp://127.0.0.1:${port}/api/app/v1/service/${SVC}/trigger/${T_DEPLOY}/call/`],
      message: /the trigger URL must be an http\(s\) URL/,
    },
    { name: 'call one word', args: ['call', 'deploy-hook'], message: /missing the trigger/ },
    {
      name: 'credentials over plain http to a host that is not loopback',
      args: ['list', 'web', '--host', 'http://example.invalid/'],
      message: /refusing to send credentials over plain http to example\.invalid: anyone on the way could read them/,
    },
  ];
}

/** The cases run through the built binary as well (spawned, in batches). */
const SPAWNED = new Set([
  'list <service>: a slash',
  'create <service>: ..',
  'inspect <service>: a question mark',
  'inspect <trigger>: a hash',
  'rm <service>: a percent sign',
  'rm <trigger>: a space',
  'call <service>: a terminal escape',
  'call <trigger>: 257 characters',
  'rotate <service>: nothing (empty)',
  'rotate <trigger>: a tab',
  'rm <trigger> (second of two): a slash',
  '--host ftp://',
  '--host with credentials',
  '--host with a path',
  'DOCKERCLOUD_REST_HOST with credentials',
  '--scale 0',
  '--scale -1',
  '--scale 1.5',
  '--scale 100000',
  '--scale abc',
  '--data @missing-file',
  '--timeout 0',
  '--timeout abc',
  'unknown --operation',
  'empty name',
  'call URL that is not a call path',
  'credentials over plain http to a host that is not loopback',
]);

describe('bad input is refused before any request (exit 2, one Error: line)', () => {
  it('every bad identifier in every service and trigger position (in-process)', async () => {
    expect(identifierCases.length).toBe(POSITIONS.length * BAD_IDS.length);
    await expectNothingSent(async () => {
      for (const c of identifierCases) expectUsage(await runCli(c.args, env), c.message, c.name);
    });
  });

  it('bad --host, --scale, --data, --timeout, --operation, names, call URLs (in-process)', async () => {
    await expectNothingSent(async () => {
      for (const c of optionCases()) expectUsage(await runCli(c.args, { ...env, ...c.env }), c.message, c.name);
    });
  });

  it('the same corpus through the built binary (spawned)', async () => {
    const cases = [...identifierCases, ...optionCases()].filter((c) => SPAWNED.has(c.name));
    expect(cases.map((c) => c.name).sort()).toEqual([...SPAWNED].sort());
    expect(cases.length).toBeLessThanOrEqual(35);
    await expectNothingSent(async () => {
      for (let i = 0; i < cases.length; i += 4) {
        const batch = cases.slice(i, i + 4);
        const results = await Promise.all(batch.map((c) => spawnCli(c.args, { ...env, ...c.env })));
        results.forEach((r, j) => expectUsage(r, batch[j].message, batch[j].name));
      }
    });
  });

  it('the password of a rejected --host is not echoed', async () => {
    const port = new URL(emu.url).port;
    const r = await expectNothingSent(() => runCli(['list', 'web', '--host', `https://alice:${HOST_PASSWORD}@127.0.0.1:${port}/`], env));
    expectUsage(r, /--host/);
    expect(r.stderr).not.toContain(HOST_PASSWORD);
  });

  it('the password of an unparsable --host is not echoed either (port out of range)', async () => {
    const r = await expectNothingSent(() => runCli(['list', 'web', '--host', `https://alice:${HOST_PASSWORD}@127.0.0.1:99999/`], env));
    expectUsage(r, /--host must be an http\(s\) URL/);
    expect(r.stderr).not.toContain(HOST_PASSWORD);
  });

  it('the checks are not too broad: 256 characters, dots, dashes and name.stack reach the API', async () => {
    const longest = await runCli(['inspect', 'web', 'a'.repeat(256)], env);
    expect(longest.code).toBe(4);
    expect(longest.stderr).toMatch(/^Error: cannot find a trigger with the identifier 'a{256}' in service web/);
    const before = requests;
    const byStack = await runCli(['inspect', 'web.demo', 'deploy-hook'], env);
    expect(byStack.code).toBe(0);
    expect(JSON.parse(byStack.stdout)[0].uuid).toBe(T_DEPLOY);
    expect(requests).toBeGreaterThan(before);
    const dotted = await runCli(['list', 'web.v1-2_x'], env);
    expect(dotted.code).toBe(4);
    expect(dotted.stderr).toMatch(/^Error: cannot find a service with the identifier 'web\.v1-2_x'/);
  });
});

describe('what could change a URL is refused before any request (a fresh emulator each)', () => {
  const fresh: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(fresh.splice(0).map((e) => e.close()));
  });
  /** An emulator of the standard seed, and every request it was sent. */
  async function recording(): Promise<{ emu: RunningEmulator; seen: string[] }> {
    const emu = await startEmulator({ seed: standardSeed() });
    fresh.push(emu);
    const seen: string[] = [];
    emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
    return { emu, seen };
  }

  it('an identifier that could change the URL is a usage error before any request', async () => {
    const { emu, seen } = await recording();
    const env = emulatorEnv(emu.url);
    const cases = [
      ['list', '../x'],
      ['rm', 'web.demo', 'a/b'],
      ['inspect', 'web.demo', 'x?y'],
      ['create', 'we%62'],
      ['call', 'web.demo', 'a b'],
    ];
    for (const args of cases) {
      const r = await runCli(args, env);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expectErrorLine(r, /identifier/);
    }
    expect(seen).toHaveLength(0);
    expect(emu.store.state.actions).toHaveLength(0);
  });

  it('invalid --host and --namespace values are usage errors before any request', async () => {
    const { emu, seen } = await recording();
    const env = emulatorEnv(emu.url);
    const host = await runCli(['list', 'web', '--host', 'ftp://example.com/'], env);
    const ns = await runCli(['list', 'web', '--namespace', 'a/b'], env);
    for (const r of [host, ns]) {
      expect(r.code).toBe(2);
      expectErrorLine(r);
    }
    expect(seen).toHaveLength(0);
  });
});
