// `trigger __complete`, what the shell completion scripts ask at each TAB: option values, commands
// and options with their help, profiles from the config file, services and triggers from the API
// (the emulator on loopback), and silence, exit 0, whenever something goes wrong.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { emulatorEnv, ROOT, runCli, spawnCli, startCli, type Result } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { forward, hang, json, startFaultServer, status, type FaultServer } from '../helpers/fault-server.js';
import { home, removeHomes, writeConfig, writeDockerConfig } from '../helpers/homes.js';
import { deadPort } from '../helpers/net.js';
import { registerSecret } from '../helpers/secrets.js';
import type { SeedService } from '../../src/emulator/store.js';
import { WEB_DEMO } from '../helpers/fixture.js';

// Trigger UUIDs are half of a secret URL: a completion offers names only. These are registered, so
// the run-wide scan fails should any output show one.
const T = Array.from({ length: 4 }, () => registerSecret(randomUUID()));
const WEB_STAGING = 'a1b2c3d4-0000-4000-8000-0000000000c2';
const WEB_LONE = 'a1b2c3d4-0000-4000-8000-0000000000c3';

function seed(): SeedService[] {
  return [
    {
      uuid: WEB_DEMO,
      name: 'web',
      stack: 'demo',
      triggers: [
        { uuid: T[0], name: 'deploy-hook', operation: 'REDEPLOY' },
        { uuid: T[1], name: 'scale-hook', operation: 'SCALEUP' },
        { uuid: T[2], name: 'has space', operation: 'REDEPLOY' },
      ],
    },
    { name: 'worker', stack: 'demo', triggers: [{ uuid: T[3], name: 'work-hook' }] },
    { name: 'redis' },
    // Names that would need quoting on a command line are not offered.
    { name: 'bad$name' },
  ];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
afterAll(removeHomes);

async function emulator(services = seed()): Promise<RunningEmulator> {
  const emu = await startEmulator({ seed: services, maxPageSize: 2 });
  cleanups.push(() => emu.close());
  return emu;
}

/** The emulator behind a server that answers 404 for stacks, as an API without them would. */
async function withoutStacks(emu: RunningEmulator): Promise<FaultServer> {
  const api = await startFaultServer();
  cleanups.push(() => api.close());
  api.route('GET', /^\/api\/app\/v1\/stack\//, json(404, { error: 'Not found' }));
  api.fallback(forward(emu.url));
  return api;
}

const complete = (words: string[], env: Record<string, string | undefined>): Promise<Result> => runCli(['__complete', '--', ...words], env);

/** The candidates of a successful completion: exit 0, nothing on stderr. */
function candidates(r: Result): string[] {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
}

const values = (r: Result): string[] => candidates(r).map((l) => l.split('\t')[0]);

function expectSilent(r: Result): void {
  expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
}

describe('trigger __complete: values of options and arguments', () => {
  it('completion <shell>, create -o/--operation (in the case typed), config set/unset keys', async () => {
    const env = home();
    expect(values(await complete(['completion', ''], env))).toEqual(['bash', 'zsh', 'fish']);
    expect(values(await complete(['completion', 'z'], env))).toEqual(['zsh']);
    expect(values(await complete(['create', 'web', '-o', ''], env))).toEqual(['REDEPLOY', 'SCALEUP']);
    expect(values(await complete(['create', 'web', '--operation', 'S'], env))).toEqual(['SCALEUP']);
    expect(values(await complete(['create', 'web', '-o', 'sc'], env))).toEqual(['scaleup']);
    expect(values(await complete(['create', '-n', 'x', 'web', '--operation=R'], env))).toEqual(['--operation=REDEPLOY']);
    expect(values(await complete(['config', 'set', ''], env))).toEqual(['host', 'namespace', 'timeout', 'insecure']);
    expect(values(await complete(['config', 'unset', 'n'], env))).toEqual(['namespace']);
    expect(values(await complete(['config', 'set', 'insecure', ''], env))).toEqual(['true', 'false']);
    expectSilent(await complete(['config', 'set', 'host', ''], env));
    // An option whose value is free text completes nothing, and never file names.
    expectSilent(await complete(['create', 'web', '--name', ''], env));
  });

  it('--profile and config use: the profiles saved in the config file', async () => {
    const env = home();
    writeConfig(env, { currentProfile: 'work', profiles: { work: { namespace: 'acme' }, staging: { host: 'http://127.0.0.1:8080/' } } });
    expect(values(await complete(['--profile', ''], env))).toEqual(['work', 'staging']);
    expect(values(await complete(['list', '--profile', 's'], env))).toEqual(['staging']);
    expect(values(await complete(['config', 'use', ''], env))).toEqual(['work', 'staging']);
  });

  it('--data @: asks the shell for file names; any other --data value completes nothing', async () => {
    const env = home();
    expect(candidates(await complete(['call', 'web', 'hook', '--data', '@'], env))).toEqual([':files']);
    expect(candidates(await complete(['call', 'web', 'hook', '--data=@sr'], env))).toEqual([':files']);
    expectSilent(await complete(['call', 'web', 'hook', '--data', ''], env));
  });
});

describe('trigger __complete: commands and options, from their definitions', () => {
  it('commands with their descriptions, hidden ones left out; an alias when no name fits', async () => {
    const env = home();
    const top = candidates(await complete([''], env));
    expect(top).toContain('list\tList the triggers of a service, or of every service');
    const names = top.map((l) => l.split('\t')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['list', 'create', 'inspect', 'rm', 'call', 'rotate', 'login', 'logout', 'config', 'completion']),
    );
    expect(names).not.toContain('__complete');
    // Names, not aliases.
    expect(names).not.toContain('ls');
    expect(values(await complete(['l'], env))).toEqual(['list', 'login', 'logout']);
    expect(values(await complete(['remo'], env))).toEqual(['remove']);
    expect(values(await complete(['--profile', 'work', 'config', 's'], env))).toEqual(['show', 'set']);
    expect(candidates(await complete(['config', 'u'], env))).toEqual([
      'unset\tRemove a setting from the profile',
      'use\tMake a profile the default one',
    ]);
  });

  it("a command's options and the global ones, with their help; those given already are not offered again", async () => {
    const env = home();
    expect(candidates(await complete(['list', '--no-h'], env))).toEqual(['--no-header\tleave out the header line']);
    expect(values(await complete(['call', '--wa'], env))).toEqual(['--wait', '--wait-timeout']);
    expect(candidates(await complete(['--ti'], env))).toEqual([expect.stringMatching(/^--timeout\ttime limit of each request\b/)]);
    const create = values(await complete(['create', 'web', '-q', '-'], env));
    expect(create).toEqual(expect.arrayContaining(['--name', '-n', '--operation', '-o', '--json', '--host', '--profile', '--help', '-h']));
    expect(create).not.toContain('--quiet');
    expect(create).not.toContain('-q');
    // The value of an option is not taken for a command.
    expect(values(await complete(['--host', 'config', 'co'], env))).toEqual(['config', 'completion']);
  });

  it('the command is hidden from help', async () => {
    const help = await runCli(['--help'], home());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('completion');
    expect(help.stdout).not.toContain('__complete');
  });
});

describe('trigger __complete: services and triggers from the API', () => {
  it('services by name, each with its stack; by name.stack where names repeat; by UUID where a repeated name has no stack', async () => {
    const emu = await emulator([...seed(), { uuid: WEB_STAGING, name: 'web', stack: 'staging' }, { uuid: WEB_LONE, name: 'web' }]);
    const env = emulatorEnv(emu.url);
    expect(candidates(await complete(['list', ''], env))).toEqual([
      'web.demo\tstack demo',
      'worker\tstack demo',
      'redis\tno stack',
      'web.staging\tstack staging',
      `${WEB_LONE}\tweb`,
    ]);
    expect(values(await complete(['create', 'w'], env))).toEqual(['web.demo', 'worker', 'web.staging']);
    // With a dot typed, every service of a stack by name.stack.
    expect(values(await complete(['call', 'worker.'], env))).toEqual(['worker.demo']);
  });

  it('without stack names (an API that does not answer for stacks), services by name, and a repeated name by UUID', async () => {
    const api = await withoutStacks(await emulator([...seed(), { uuid: WEB_STAGING, name: 'web', stack: 'staging' }]));
    expect(candidates(await complete(['rotate', ''], emulatorEnv(api.url)))).toEqual([
      `${WEB_DEMO}\tweb`,
      'worker',
      'redis\tno stack',
      `${WEB_STAGING}\tweb`,
    ]);
  });

  it("a service's triggers by name, with their operation, for each command that takes them; named ones are not offered again", async () => {
    const emu = await emulator();
    const env = emulatorEnv(emu.url);
    const hooks = ['deploy-hook\tREDEPLOY', 'scale-hook\tSCALEUP'];
    for (const cmd of ['inspect', 'rm', 'remove', 'call', 'rotate'])
      expect(candidates(await complete([cmd, 'web', ''], env))).toEqual(hooks);
    expect(values(await complete(['rm', 'web', 'deploy-hook', ''], env))).toEqual(['scale-hook']);
    expect(values(await complete(['inspect', '--format', '{{.name}}', 'web', 'deploy-hook', 's'], env))).toEqual(['scale-hook']);
    expect(values(await complete(['call', WEB_DEMO, 'd'], env))).toEqual(['deploy-hook']);
    expect(values(await complete(['call', 'worker.demo', ''], env))).toEqual(['work-hook']);
    // A trigger of a service that takes none (the URL form of call, an unknown service): nothing.
    expectSilent(await complete(['call', `${emu.url}/api/app/v1/service/${WEB_DEMO}/trigger/${T[0]}/call/`, ''], env));
    expectSilent(await complete(['call', 'nosuch', ''], env));
    expectSilent(await complete(['create', 'web', ''], env));
    expectSilent(await complete(['rotate', 'web', 'deploy-hook', ''], env));
  });

  it('--host, --namespace and --profile on the command line count, and saved credentials go to their own host alone', async () => {
    const emu = await emulator();
    const seen: string[] = [];
    emu.server.on('request', (req) => seen.push(`${req.url} ${req.headers.authorization ? 'with' : 'without'} credentials`));
    const dead = `http://127.0.0.1:${await deadPort()}/`;
    const env = emulatorEnv(dead.replace(/\/$/, ''));
    expect(values(await complete(['--host', `${emu.url}/`, 'list', ''], env))).toEqual(['web', 'worker', 'redis']);
    expect(values(await complete([`--host=${emu.url}/`, '--namespace', 'acme', 'call', 'web', ''], env))).toEqual([
      'deploy-hook',
      'scale-hook',
    ]);
    expect(seen.some((s) => s.startsWith('/api/app/v1/acme/service/'))).toBe(true);

    // Credentials saved in profile work for the emulator, and no others.
    const h = home();
    writeConfig(h, { profiles: { work: { host: `${emu.url}/`, loginHost: `${emu.url}/`, user: 'demo', apikey: 'demo-apikey' } } });
    expect(values(await complete(['--profile', 'work', 'call', 'w'], h))).toEqual(['web', 'worker']);
    seen.length = 0;
    // The other host expects nothing: a request there would be unexpected, and fail the test.
    const other = await startFaultServer();
    cleanups.push(() => other.close());
    expectSilent(await complete(['--profile', 'work', '--host', `${other.url}/`, 'list', ''], h));
    expect(other.requests).toEqual([]);
  });

  it('quotes nothing: names that would need quoting (white space, $) are left out', async () => {
    const emu = await emulator();
    const env = emulatorEnv(emu.url);
    expect(values(await complete(['list', ''], env))).not.toContain('bad$name');
    expect(values(await complete(['rm', 'web', 'h'], env))).toEqual([]);
  });
});

describe('trigger __complete: silent whatever goes wrong', () => {
  it('a host that refuses connections, bad credentials, no credentials: no output, exit 0', async () => {
    const emu = await emulator();
    expectSilent(await complete(['list', ''], emulatorEnv(`http://127.0.0.1:${await deadPort()}`)));
    expectSilent(await complete(['call', 'web', ''], emulatorEnv(emu.url, { DOCKERCLOUD_APIKEY: registerSecret('wrong-apikey') })));
    const { DOCKERCLOUD_USER: _u, DOCKERCLOUD_APIKEY: _k, ...noCredentials } = emulatorEnv(emu.url);
    expectSilent(await complete(['list', ''], noCredentials));
  });

  it('unknown words, a broken config file, a bad setting: no output, exit 0', async () => {
    const env = home();
    expectSilent(await complete(['nosuch', ''], env));
    expectSilent(await complete(['list', 'web', 'extra', ''], env));
    expectSilent(await complete(['config', 'nosuch', ''], env));
    expectSilent(await complete(['--host', 'nota url', 'list', ''], env));
    expectSilent(await complete(['--profile', '../x', 'list', ''], env));
    mkdirSync(env.TRIGGER_CONFIG_DIR, { recursive: true });
    writeFileSync(join(env.TRIGGER_CONFIG_DIR, 'config.json'), '{ not json');
    expectSilent(await complete(['config', 'use', ''], env));
    // What needs no file still completes.
    expect(values(await complete(['completion', ''], env))).toEqual(['bash', 'zsh', 'fish']);
  });

  it('asks once, without retries, and never reads standard input', async () => {
    const api = await startFaultServer();
    cleanups.push(() => api.close());
    api.fallback(status(503));
    const r = await runCli(['__complete', '--', 'list', ''], emulatorEnv(api.url), { stdin: 'must not be read\n' });
    expectSilent(r);
    expect(api.requests).toHaveLength(1);
  });

  it('an API that does not answer: gives up within its time limit, silently', async () => {
    const api = await startFaultServer();
    cleanups.push(() => api.close());
    api.fallback(hang());
    // The request time limit in effect (30 s by default) is longer than the completion's.
    expectSilent(await complete(['list', ''], emulatorEnv(api.url)));
    expect(api.requests).toHaveLength(1);
  });

  it('the built CLI: exit 0 and nothing on stderr for a dead host, a word after -- that looks like help or a flag', async () => {
    const env = emulatorEnv(`http://127.0.0.1:${await deadPort()}`);
    expect(await spawnCli(['__complete', '--', 'list', ''], env)).toEqual({ code: 0, stdout: '', stderr: '' });
    const help = await spawnCli(['__complete', '--', 'list', '-h'], env);
    expect(help).toEqual({ code: 0, stdout: '-h\tshow help\n', stderr: '' });
    const version = await spawnCli(['__complete', '--', '--vers'], env);
    expect(version).toEqual({ code: 0, stdout: '--version\tprint the version\n', stderr: '' });
  });
});

describe('trigger __complete: silent when its output cannot be written', () => {
  it('the built CLI with stdout on a full device, or open for reading only: nothing on stderr, exit 0', async () => {
    for (const [path, flags] of [
      ['/dev/full', 'w'],
      ['/dev/null', 'r'],
    ] as const) {
      const fd = openSync(path, flags);
      try {
        const { code, stderr } = await startCli(['__complete', '--', 'completion', ''], home(), { stdio: ['ignore', fd, 'pipe'] }).done;
        expect({ path, code, stderr }).toEqual({ path, code: 0, stderr: '' });
      } finally {
        closeSync(fd);
      }
    }
  });
});

describe('trigger __complete: profile names from the config file', () => {
  it('profile names that would need quoting make the file unreadable: none is ever offered', async () => {
    const h = home();
    writeConfig(h, { profiles: { good: {}, 'x`touch${IFS}/tmp/PWNED`': {}, 'y;id': {} } });
    for (const words of [
      ['--profile', ''],
      ['config', 'use', ''],
      ['list', '--profile='],
    ]) {
      const r = await spawnCli(['__complete', '--', ...words], h);
      expect(r, words.join(' ')).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    writeConfig(h, { profiles: { good: {}, 'also.good_1': {} } });
    expect(values(await complete(['config', 'use', ''], h))).toEqual(['good', 'also.good_1']);
  });
});

describe('trigger __complete: credentials from a docker credential helper that hangs', () => {
  it("a docker credential helper that hangs is stopped within the completion's time limit: silent, exit 0", async () => {
    const emu = await emulator();
    const h = home();
    const bin = join(h.HOME, 'bin');
    mkdirSync(bin);
    copyFileSync(join(ROOT, 'test/fixtures/docker-credential-fake'), join(bin, 'docker-credential-fake'));
    chmodSync(join(bin, 'docker-credential-fake'), 0o755);
    writeDockerConfig(h, { credsStore: 'fake' });
    // Nothing ever opens it for writing: the helper waits for good.
    const hang = join(h.HOME, 'hang');
    execFileSync('mkfifo', [hang]);
    const env = {
      ...h,
      PATH: `${bin}:${process.env.PATH}`,
      DOCKERCLOUD_REST_HOST: `${emu.url}/`,
      FAKE_CRED_HANG: hang,
      FAKE_CRED_USER: 'demo',
      FAKE_CRED_SECRET: 'demo-apikey',
    };
    expect(await spawnCli(['__complete', '--', 'list', ''], env)).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
