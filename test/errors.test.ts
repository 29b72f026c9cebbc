// The error classes and the one mapping to exit codes (src/errors.ts), and how main() reports
// commander's usage errors and the API's error answers (in-process, against a scripted loopback server).
import { afterEach, describe, expect, it } from 'vitest';
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
import { runCli, tempHome, type Result } from './helpers/cli.js';
import { hang, json, raw, startFaultServer, type Answer, type FaultServer } from './helpers/fault-server.js';
import { registerSecret } from './helpers/secrets.js';

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
    ['missing variadic argument', ['inspect', 'web'], /^Error: missing the trigger: use 'trigger inspect <service> <trigger>\.\.\.' or 'trigger inspect <trigger-url>\.\.\.'$/],
    ['missing option value', ['create', 'web', '-o'], /argument missing/],
    ['too many arguments', ['list', 'web', 'extra'], /too many arguments/],
    ['global options and no command', ['--debug'], /^Error: missing command$/],
    ['config with an unknown subcommand', ['config', 'shwo'], /^Error: unknown command 'shwo' \(Did you mean show\?\)$/],
    ['-q and --json of rm together', ['rm', 'web', 'x', '-q', '--json'], /--json and --quiet cannot be used together/],
  ];

  it.each(cases)('%s', async (_what, args, message) => {
    const r = await runCli(args, tempHome());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = expectOneError(r);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).toMatch(/--help/);
  });

  it('no command at all shows the help, like gh and docker: stdout, exit 0', async () => {
    const r = await runCli([], tempHome());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe((await runCli(['--help'], tempHome())).stdout);
  });

  it('--help and --version exit 0 with their text on stdout', async () => {
    const help = await runCli(['--help'], tempHome());
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('Exit codes:');
    const version = await runCli(['--version'], tempHome());
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('a usage error found by the command (not commander) is also exit 2', async () => {
    const r = await runCli(['create', 'web', '-o', 'nope'], tempHome());
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
const CALL_SVC = 'a1b2c3d4-0000-4000-8000-000000000001';
const CALL_TRIG = registerSecret('5ec7e702-0000-4000-8000-0000000000cc');

it('a proxy setting that is not an http(s) URL is a usage error naming the variable', async () => {
  for (const [name, value] of [['HTTPS_PROXY', '::bad'], ['http_proxy', 'socks5://127.0.0.1:1080']] as const) {
    const r = await runCli(['list', 'web'], { ...tempHome(), DOCKERCLOUD_USER: 'u', DOCKERCLOUD_APIKEY: 'k', [name]: value });
    expect(r.code).toBe(2);
    expect(expectOneError(r)[0]).toBe(`Error: ${name} must be an http:// or https:// proxy URL`);
  }
});

describe('API answers map to exit codes (in-process, tiny server)', () => {
  it('sends User-Agent trigger/<version>, Accept: application/json and the Basic credentials', async () => {
    const { url, api } = await scripted(json(200, { meta: { limit: 10, offset: 0, next: null, previous: null, total_count: 0 }, objects: [] }));
    const r = await runCli(['list', 'web', '--host', url], { ...tempHome(), ...creds });
    expect(r.code).toBe(4);
    // The lookup of the name, then the list of services for the closest names.
    expect(api.requests).toHaveLength(2);
    for (const req of api.requests) {
      expect(req.headers['user-agent']).toBe(`trigger/${VERSION}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from('demo:key').toString('base64')}`);
    }
  });

  it.each([
    [401, 3],
    [403, 3],
    [500, 1],
    [400, 1],
  ])('HTTP %i exits %i with the API message on one Error line', async (status, code) => {
    const { url } = await scripted(json(status, { error: `message for ${status}` }));
    const r = await runCli(['list', 'web', '--host', url, '--no-retry'], { ...tempHome(), ...creds });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    const lines = expectOneError(r);
    expect(lines[0]).toContain(`message for ${status}`);
    expect(lines[0]).toContain(String(status));
  });

  it.each([401, 403])('a trigger call (it carries no credentials) answered %i: exit 1, its URL refused, no credential hint', async (status) => {
    const { url, api } = await scripted(json(status, { error: `message for ${status}` }));
    const path = `api/app/v1/service/${CALL_SVC}/trigger/${CALL_TRIG}/call/`;
    const r = await runCli(['call', `${url}${path}`], { ...tempHome(), ...creds });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const masked = path.replace(CALL_TRIG, `${CALL_TRIG.slice(0, 4)}…`);
    expect(expectOneError(r)).toEqual([
      `Error: the API refused the trigger call: message for ${status} (HTTP ${status} from POST ${url}${masked})`,
      "A call carries no credentials: the trigger URL itself was refused (removed, replaced by 'trigger rotate', or mistyped).",
    ]);
    expect(api.requests.map((q) => q.headers.authorization)).toEqual([undefined]);
  });

  it('an error body that is not a string message never shows [object Object]', async () => {
    const { url } = await scripted(json(500, { error: { nested: true }, detail: ['x'] }));
    const r = await runCli(['list', 'web', '--host', url, '--no-retry'], { ...tempHome(), ...creds });
    expect(r.code).toBe(1);
    expect(expectOneError(r)[0]).toContain('500');
  });

  it('a 2xx answer that is not the API (HTML) is an API failure, exit 1', async () => {
    const { url } = await scripted(raw(200, { 'content-type': 'text/html' }, '<html>login portal</html>'));
    const r = await runCli(['list', 'web', '--host', url], { ...tempHome(), ...creds });
    expect(r.code).toBe(1);
    expect(expectOneError(r)[0]).toMatch(/unexpected answer|not JSON/);
  });

  it('a server that never answers times out: exit 5', async () => {
    const { url } = await scripted(hang());
    const r = await runCli(['list', 'web', '--host', url, '--timeout', '0.3', '--no-retry'], { ...tempHome(), ...creds });
    expect(r.code).toBe(5);
    expect(expectOneError(r)[0]).toMatch(/timed out/);
  });

  it('a host that does not resolve: exit 5', async () => {
    const r = await runCli(['list', 'web', '--host', 'https://nonexistent.invalid/', '--timeout', '5', '--no-retry'], {
      ...tempHome(),
      ...creds,
    });
    expect(r.code).toBe(5);
    expectOneError(r);
  });

  it('no credentials: exit 3 and the server is not contacted', async () => {
    // Nothing is scripted: a request would be unexpected.
    const { url, api } = await scripted();
    const r = await runCli(['list', 'web', '--host', url], tempHome());
    expect(r.code).toBe(3);
    expectOneError(r);
    expect(api.requests).toHaveLength(0);
  });
});
