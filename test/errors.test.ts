// The error classes and the one mapping to exit codes (src/errors.ts); how main() reports commander's
// usage errors and the API's error answers (in-process, against a scripted loopback server); the same
// contract through the built CLI (one `Error:` line, nothing on stdout, the documented exit code); and
// the hint after an error, which names only commands that exist and says where the host came from.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/context.js';
import {
  ApiError,
  AuthError,
  CliError,
  EXIT,
  EXIT_CODE_MEANINGS,
  exitCodeFor,
  FileError,
  NetworkError,
  NotFoundError,
  PartialFailure,
  UsageError,
} from '../src/errors.js';
import { basic } from './helpers/account.js';
import { emulatorEnv, runCli, spawnCli, type Result } from './helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';
import { expectErrorLine } from './helpers/expect.js';
import { standardSeed, WEB_DEMO } from './helpers/fixture.js';
import { home, removeHomes, writeConfig, type Home } from './helpers/homes.js';
import { deadPort } from './helpers/net.js';
import { hang, json, raw, startFaultServer, type Answer, type FaultServer } from './helpers/fault-server.js';
import { registerSecret } from './helpers/secrets.js';

afterAll(removeHomes);

describe('exitCodeFor', () => {
  it('maps each error class to its exit code', () => {
    expect(exitCodeFor(new UsageError('u'))).toBe(2);
    expect(exitCodeFor(new AuthError('a'))).toBe(3);
    expect(exitCodeFor(new NotFoundError('n'))).toBe(4);
    expect(exitCodeFor(new NetworkError('x'))).toBe(5);
    expect(exitCodeFor(new ApiError('boom', 500))).toBe(1);
    expect(exitCodeFor(new ApiError('gone', 404))).toBe(1);
    expect(exitCodeFor(new FileError('f'))).toBe(1);
    expect(exitCodeFor(new CliError('c'))).toBe(1);
  });

  it('a partial failure carries its own code', () => {
    expect(exitCodeFor(new PartialFailure('1 of 3 failed', 1))).toBe(1);
    expect(exitCodeFor(new PartialFailure('2 of 2 failed', 4))).toBe(4);
    expect(exitCodeFor(new PartialFailure('2 of 2 failed', 3))).toBe(3);
  });

  it('anything else is a failure (1)', () => {
    expect(exitCodeFor(new Error('plain'))).toBe(1);
    expect(exitCodeFor(new TypeError('type'))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
    expect(exitCodeFor(null)).toBe(1);
    expect(exitCodeFor({ code: 2 })).toBe(1);
  });

  it('EXIT holds the documented codes, and the help text lists each of them', () => {
    expect(EXIT).toEqual({ ok: 0, failure: 1, usage: 2, auth: 3, notFound: 4, network: 5 });
    for (const code of Object.values(EXIT)) expect(EXIT_CODE_MEANINGS.map(([c]) => c)).toContain(String(code));
  });
});

describe('error classes', () => {
  it('carry their class name, message and hint, and are CliErrors', () => {
    const err = new NotFoundError('cannot find it', '  a1b2  web');
    expect(err).toBeInstanceOf(CliError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('NotFoundError');
    expect(err.message).toBe('cannot find it');
    expect(err.hint).toBe('  a1b2  web');
    expect(new UsageError('u').name).toBe('UsageError');
    expect(new UsageError('u').hint).toBeUndefined();
    const api = new ApiError('boom', 503, 'try later');
    expect([api.name, api.status, api.hint]).toEqual(['ApiError', 503, 'try later']);
    expect(new PartialFailure('x', 4).code).toBe(4);
  });
});

/** stderr is one `Error: ...` line (hint lines may follow), no stack trace, no [object Object]. */
function expectOneError(r: Result): string[] {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^Error: \S/);
  expect(lines[0]).not.toMatch(/^Error: error:/i);
  expect(lines.filter((l) => l.startsWith('Error:'))).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('[object Object]');
  return lines;
}

describe('commander usage errors map to exit 2 with an Error: line (in-process)', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['unknown global option', ['--frobnicate', 'list', 'web'], /unknown option '--frobnicate'/],
    ['unknown option of a subcommand', ['list', 'web', '--frobnicate'], /unknown option '--frobnicate'/],
    ['misspelt option, with a suggestion on the same line', ['list', 'web', '--jsno'], /unknown option '--jsno'.*--json/],
    ['missing argument', ['create'], /missing required argument 'service'/],
    [
      'missing variadic argument',
      ['inspect', 'web'],
      /^Error: missing the trigger: use 'trigger inspect <service> <trigger>\.\.\.' or 'trigger inspect <trigger-url>\.\.\.'$/,
    ],
    ['missing option value', ['create', 'web', '-o'], /argument missing/],
    ['too many arguments', ['list', 'web', 'extra'], /too many arguments/],
    ['global options and no command', ['--debug'], /^Error: missing command$/],
    ['config with an unknown subcommand', ['config', 'shwo'], /^Error: unknown command 'shwo' \(Did you mean show\?\)$/],
    ['-q and --json of rm together', ['rm', 'web', 'x', '-q', '--json'], /--json and --quiet cannot be used together/],
  ];

  it.each(cases)('%s', async (_what, args, message) => {
    const r = await runCli(args, home());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = expectOneError(r);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).toMatch(/--help/);
  });

  it('no command at all shows the help, like gh and docker: stdout, exit 0', async () => {
    const r = await runCli([], home());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe((await runCli(['--help'], home())).stdout);
  });

  it('--help and --version exit 0 with their text on stdout', async () => {
    const help = await runCli(['--help'], home());
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('Exit codes:');
    const version = await runCli(['--version'], home());
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('a usage error found by the command (not commander) is also exit 2', async () => {
    const r = await runCli(['create', 'web', '-o', 'nope'], home());
    expect(r.code).toBe(2);
    expect(expectOneError(r)[0]).toContain("'nope'");
  });
});

// --- API answers from a scripted loopback server ---

const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A scripted API giving `answer` to every request (none at all without one); its URL with the trailing slash. */
async function scripted(answer?: Answer): Promise<{ url: string; api: FaultServer }> {
  const api = await startFaultServer();
  servers.push(api);
  api.fallback(answer);
  return { url: `${api.url}/`, api };
}

const creds = { DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'key' };
const CALL_TRIG = registerSecret('5ec7e702-0000-4000-8000-0000000000cc');

it('a proxy setting that is not an http(s) URL is a usage error naming the variable', async () => {
  for (const [name, value] of [
    ['HTTPS_PROXY', '::bad'],
    ['http_proxy', 'socks5://127.0.0.1:1080'],
  ] as const) {
    const r = await runCli(['list', 'web'], { ...home(), DOCKERCLOUD_USER: 'u', DOCKERCLOUD_APIKEY: 'k', [name]: value });
    expect(r.code).toBe(2);
    expect(expectOneError(r)[0]).toBe(`Error: ${name} must be an http:// or https:// proxy URL`);
  }
});

describe('API answers map to exit codes (in-process, scripted server)', () => {
  it('sends User-Agent trigger/<version>, Accept: application/json and the Basic credentials', async () => {
    const { url, api } = await scripted(
      json(200, { meta: { limit: 10, offset: 0, next: null, previous: null, total_count: 0 }, objects: [] }),
    );
    const r = await runCli(['list', 'web', '--host', url], { ...home(), ...creds });
    expect(r.code).toBe(4);
    // The lookup of the name, then the list of services for the closest names.
    expect(api.requests).toHaveLength(2);
    for (const req of api.requests) {
      expect(req.headers['user-agent']).toBe(`trigger/${VERSION}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers.authorization).toBe(basic('demo', 'key'));
    }
  });

  it.each([
    [401, 3],
    [403, 3],
    [500, 1],
    [400, 1],
  ])('HTTP %i exits %i with the API message on one Error line', async (status, code) => {
    const { url } = await scripted(json(status, { error: `message for ${status}` }));
    const r = await runCli(['list', 'web', '--host', url, '--no-retry'], { ...home(), ...creds });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    const lines = expectOneError(r);
    expect(lines[0]).toContain(`message for ${status}`);
    expect(lines[0]).toContain(String(status));
  });

  it.each([401, 403])(
    'a trigger call (it carries no credentials) answered %i: exit 1, its URL refused, no credential hint',
    async (status) => {
      const { url, api } = await scripted(json(status, { error: `message for ${status}` }));
      const path = `api/app/v1/service/${WEB_DEMO}/trigger/${CALL_TRIG}/call/`;
      const r = await runCli(['call', `${url}${path}`], { ...home(), ...creds });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const masked = path.replace(CALL_TRIG, `${CALL_TRIG.slice(0, 4)}…`);
      expect(expectOneError(r)).toEqual([
        `Error: the API refused the trigger call: message for ${status} (HTTP ${status} from POST ${url}${masked})`,
        "A call carries no credentials: the trigger URL itself was refused (removed, replaced by 'trigger rotate', or mistyped).",
      ]);
      expect(api.requests.map((q) => q.headers.authorization)).toEqual([undefined]);
    },
  );

  it('an error body that is not a string message never shows [object Object]', async () => {
    const { url } = await scripted(json(500, { error: { nested: true }, detail: ['x'] }));
    const r = await runCli(['list', 'web', '--host', url, '--no-retry'], { ...home(), ...creds });
    expect(r.code).toBe(1);
    expect(expectOneError(r)[0]).toContain('500');
  });

  it('a 2xx answer that is not the API (HTML) is an API failure, exit 1', async () => {
    const { url } = await scripted(raw(200, { 'content-type': 'text/html' }, '<html>login portal</html>'));
    const r = await runCli(['list', 'web', '--host', url], { ...home(), ...creds });
    expect(r.code).toBe(1);
    expect(expectOneError(r)[0]).toMatch(/unexpected answer|not JSON/);
  });

  it('a server that never answers times out: exit 5', async () => {
    const { url } = await scripted(hang());
    const r = await runCli(['list', 'web', '--host', url, '--timeout', '0.3', '--no-retry'], { ...home(), ...creds });
    expect(r.code).toBe(5);
    expect(expectOneError(r)[0]).toMatch(/timed out/);
  });

  it('a host that does not resolve: exit 5', async () => {
    const r = await runCli(['list', 'web', '--host', 'https://nonexistent.invalid/', '--timeout', '5', '--no-retry'], {
      ...home(),
      ...creds,
    });
    expect(r.code).toBe(5);
    expectOneError(r);
  });

  it('no credentials: exit 3 and the server is not contacted', async () => {
    // Nothing is scripted: a request would be unexpected.
    const { url, api } = await scripted();
    const r = await runCli(['list', 'web', '--host', url], home());
    expect(r.code).toBe(3);
    expectOneError(r);
    expect(api.requests).toHaveLength(0);
  });
});

// --- the contract of the built CLI: one Error line, the documented exit code ---

const emulators: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

/** An emulator of the standard seed, and every request it was sent. */
async function recording(): Promise<{ emu: RunningEmulator; seen: string[] }> {
  const emu = await startEmulator({ seed: standardSeed() });
  emulators.push(emu);
  const seen: string[] = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
  return { emu, seen };
}

describe('exit codes of the built CLI', () => {
  it('unknown command, unknown option and missing argument: one Error line, exit 2, nothing on stdout', async () => {
    const env = home();
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

  it('a wrong API key (401) exits 3 with an Error line', async () => {
    const { emu } = await recording();
    const r = await spawnCli(['list', 'web.demo'], emulatorEnv(emu.url, { DOCKERCLOUD_APIKEY: 'wrong-key' }));
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expectErrorLine(r, '401');
    expect(r.stderr).not.toContain('wrong-key');
  });

  it('no credentials at all exits 3 with a message saying how to log in, before any request', async () => {
    const { emu, seen } = await recording();
    const r = await spawnCli(['list', 'web.demo'], { ...home(), DOCKERCLOUD_REST_HOST: `${emu.url}/` });
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

describe('errors say what to do next', () => {
  it('every command named in an error hint exists (the no-credentials and 401 hints)', async () => {
    const { emu } = await recording();
    const none = await runCli(['list', 'web.demo'], { ...home(), DOCKERCLOUD_REST_HOST: `${emu.url}/` });
    const wrong = await runCli(['list', 'web.demo'], emulatorEnv(emu.url, { DOCKERCLOUD_APIKEY: 'nope' }));
    expect(none.code).toBe(3);
    expect(wrong.code).toBe(3);
    const named = new Set([...`${none.stderr}\n${wrong.stderr}`.matchAll(/'trigger ([a-z-]+)/g)].map((m) => m[1]));
    for (const command of named) {
      // An unknown command followed by --help shows the root help, so look for the command's own usage line.
      const help = await runCli([command, '--help'], home());
      expect({ command, code: help.code, usage: help.stdout.includes(`Usage: trigger ${command}`) }).toEqual({
        command,
        code: 0,
        usage: true,
      });
    }
  });
});

describe('errors say what to do next, from where the host came from', () => {
  let dead: string;
  beforeAll(async () => {
    dead = `http://127.0.0.1:${await deadPort()}/`;
  });

  const REFUSED = (host: string): string =>
    `Error: cannot reach the API: connection refused (GET ${host}api/app/v1/service/?name=web&limit=10)`;
  const envCredentials = () => ({ DOCKERCLOUD_USER: USER, DOCKERCLOUD_APIKEY: APIKEY });

  /** Where the host comes from: what the run is given (in home `h`) to get `host` from there, and the hint that follows. */
  const WAYS: {
    name: string;
    give: (host: string, h: Home) => { args: string[]; env: Record<string, string> };
    hint: (host: string) => string;
  }[] = [
    {
      name: '--host',
      give: (host) => ({ args: ['--host', host], env: {} }),
      hint: (host) => `The host ${host} was given with --host: check it, and that the API runs there.`,
    },
    {
      name: 'DOCKERCLOUD_REST_HOST',
      give: (host) => ({ args: [], env: { DOCKERCLOUD_REST_HOST: host } }),
      hint: (host) => `The host ${host} comes from DOCKERCLOUD_REST_HOST: check it, or unset it.`,
    },
    {
      name: 'a profile',
      give: (host, h) => {
        writeConfig(h, { profiles: { work: { host } } });
        return { args: ['--profile', 'work'], env: {} };
      },
      hint: (host) => `The host ${host} comes from profile work: change it with 'trigger --profile work config set host URL'.`,
    },
  ];

  it.each(WAYS)('a connection refused names the host from $name and how to change it (exit 5)', async ({ give, hint }) => {
    const h = home();
    const { args, env } = give(dead, h);
    const r = await spawnCli(['list', 'web', '--no-retry', ...args], { ...h, ...envCredentials(), ...env });
    expect(r.code).toBe(5);
    expect(r.stderr.split('\n')).toEqual([REFUSED(dead), hint(dead), '']);
  });

  it('the default host: the hint names the three ways to give another', async () => {
    const { Context } = await import('../src/context.js');
    const { NetworkError } = await import('../src/errors.js');
    const { processIO } = await import('../src/io.js');
    const ctx = new Context({ io: processIO(), env: { ...home() } });
    ctx.settings();
    const refused = Object.assign(
      new NetworkError('cannot reach the API: host not found (GET https://cloud.docker.com/api/app/v1/service/)'),
      { code: 'ENOTFOUND' },
    );
    expect(ctx.nextStep(refused)).toBe(
      "The host https://cloud.docker.com/ is the default: give another with --host, DOCKERCLOUD_REST_HOST or 'trigger config set host URL'.",
    );
    // A trigger URL given in full may name another host: no word about the REST host then.
    const elsewhere = Object.assign(
      new NetworkError('cannot reach the API: connection refused (POST https://hooks.example/api/app/v1/service/x/trigger/y/call/)'),
      {
        code: 'ECONNREFUSED',
      },
    );
    expect(ctx.nextStep(elsewhere)).toBeUndefined();
  });
});
