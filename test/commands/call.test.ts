// `trigger call`: a trigger called by service and trigger, by its full call URL, or by a path under the
// REST host; the call carries no credentials (the lookups before it do), with --data as text, @file
// or standard input, and --scale for a SCALEUP trigger. Bad input (--scale, --data @missing, a URL
// that is not a call URL) is refused before anything is sent. --data is capped at 4 MiB, whether
// given as text, @file or on standard input: reading stops once it is over the cap (an endless
// /dev/zero or `yes |` ends at once), the run exits 2 naming the limit, and nothing is sent; exactly
// 4 MiB is sent whole. At a terminal, `--data -` first says that it reads standard input until Ctrl-D.
// `call --wait`: polling the action to its end (Success 0, Failed or Canceled 1, --wait-timeout 5),
// how the wait shows its progress (a line per change of state without a terminal, a spinner with the
// elapsed time on one), its colours, SIGINT / SIGTERM during the wait, and credentials kept from an
// action URI on another host. What a call says names its service as `name.stack`. A trigger found
// through the API is called at its `url` only when that is its own call URL on the REST host.
// The built CLI where the process matters, in-process runs elsewhere; against the emulator, a scripted
// loopback server, or in a pseudo-terminal (script(1)).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CALL_BODY } from '../../src/commands/call.js';
import type { Clock } from '../../src/wait.js';
import { actionPath, triggerCallPath, triggerPath, triggersPath } from '../../src/api/paths.js';
import { basic } from '../helpers/account.js';
import { emulatorEnv, ROOT, runCli, spawnCli, startCli, tempHome } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';
import { expectErrorLine } from '../helpers/expect.js';
import { json, startFaultServer, type Answer, type FaultServer } from '../helpers/fault-server.js';
import { api, API, standardSeed, T_API, T_DEPLOY, T_SCALE, WEB_DEMO, webDemo } from '../helpers/fixture.js';
import { describeInPty, runInPty, startInPty, type PtyRun } from '../helpers/pty.js';
import { registerSecret } from '../helpers/secrets.js';

/** The version the built CLI reports. */
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const AUTH = basic(USER, APIKEY);
const TOO_LARGE = 'Error: the --data body is larger than 4 MiB, the most a call sends\n';
const CALL_PATH = triggerCallPath(WEB_DEMO, T_DEPLOY);
const ACTION_URI = '/api/audit/v1/action/5c5c5c5c-0000-4000-8000-00000000000d/';
const SGR = /\u001b\[[0-9;]*m/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trigger-call-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const firstLines = (stderr: string): string => `${stderr.split('\n')[0]}\n`;

// --- against the emulator ---

interface Heard {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** An emulator of `seed` (the standard one unless given), and every request it was sent. */
async function emulator(opts: Parameters<typeof startEmulator>[0] = {}): Promise<{ emu: RunningEmulator; heard: Heard[] }> {
  const emu = await startEmulator({ seed: standardSeed(), ...opts });
  cleanups.push(() => emu.close());
  const heard: Heard[] = [];
  emu.server.on('request', (req) => heard.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers }));
  return { emu, heard };
}

describe('trigger call (built CLI, the standard seed)', () => {
  it('calls by service and trigger name: no Authorization on the call, prints what and the action URI', async () => {
    const { emu, heard } = await emulator();
    const r = await spawnCli(['call', 'web.demo', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.state.actions).toHaveLength(1);
    const actionUri = `/api/audit/v1/action/${emu.store.state.actions[0].uuid}/`;
    expect(r.stdout).toContain('deploy-hook');
    expect(r.stdout).toContain(actionUri);
    const calls = heard.filter((s) => s.method === 'POST');
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(triggerCallPath(WEB_DEMO, T_DEPLOY));
    expect(calls[0].headers.authorization).toBeUndefined();
    expect(calls[0].headers['user-agent']).toBe(`trigger/${VERSION}`);
    expect(calls[0].headers.accept).toBe('application/json');
  });

  it('--scale N on a SCALEUP trigger raises the target; --json gives status, action_uri and body', async () => {
    const { emu, heard } = await emulator();
    const before = emu.store.service(WEB_DEMO)!.target_num_containers;
    const r = await spawnCli(['call', WEB_DEMO, 'scale-hook', '--scale', '2', '--json'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.target_num_containers).toBe(before + 2);
    const out = JSON.parse(r.stdout) as { status: number; action_uri: string; body: { uuid: string } };
    const action = emu.store.state.actions[0];
    expect(out.status).toBe(202);
    expect(out.action_uri).toBe(`/api/audit/v1/action/${action.uuid}/`);
    expect(out.body.uuid).toBe(action.uuid);
    expect(heard.filter((s) => s.method === 'POST').map((s) => s.url)).toEqual([`${triggerCallPath(WEB_DEMO, T_SCALE)}2/`]);
  });

  it('calls a full URL without any credentials, sending --data literally', async () => {
    const { emu, heard } = await emulator();
    const env = { ...tempHome() };
    const r = await spawnCli(['call', `${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`, '--data', '{"ref":"main"}'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('{"ref":"main"}');
    expect(r.stdout).toContain(`/api/audit/v1/action/${emu.store.state.actions[0].uuid}/`);
    expect(heard).toHaveLength(1);
    expect(heard[0].method).toBe('POST');
    expect(heard[0].headers.authorization).toBeUndefined();
  });

  it('calls a path under the REST host with --data @file, and a URL with --data - from stdin', async () => {
    const { emu, heard } = await emulator();
    const file = join(dir, 'body.json');
    writeFileSync(file, '{"from":"file"}\n');
    const env = emulatorEnv(emu.url);
    const viaPath = await spawnCli(['call', triggerCallPath(API, T_API), '--data', `@${file}`], env);
    expect(viaPath.stderr).toBe('');
    expect(viaPath.code).toBe(0);
    expect(emu.store.service(API)!.last_trigger_body).toBe('{"from":"file"}\n');
    const viaStdin = await spawnCli(['call', `${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`, '--data', '-'], env, 'piped body');
    expect(viaStdin.stderr).toBe('');
    expect(viaStdin.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('piped body');
    const posts = heard.filter((s) => s.method === 'POST');
    expect(posts.map((s) => s.url)).toEqual([triggerCallPath(API, T_API), triggerCallPath(WEB_DEMO, T_DEPLOY)]);
    for (const p of posts) expect(p.headers.authorization).toBeUndefined();
  });
});

describe('trigger call (in-process)', () => {
  it('--data - reads standard input; the body reaches the service', async () => {
    const { emu } = await emulator();
    const r = await runCli(['call', 'web.demo', 'old', '--data', '-', '--json'], emulatorEnv(emu.url), { stdin: 'from stdin' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe(202);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('from stdin');
  });

  it('a SCALEUP call through a URL with --scale appends the count', async () => {
    const { emu } = await emulator();
    const r = await runCli(['call', `${emu.url}${triggerCallPath(WEB_DEMO, T_SCALE)}`, '--scale', '3'], { ...tempHome() });
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.target_num_containers).toBe(4);
  });

  it('a valid --scale, --timeout and --data @file pass their checks (the call is made)', async () => {
    const { emu } = await emulator({ seed: [webDemo()] });
    const file = join(dir, 'ref.json');
    writeFileSync(file, '{"ref":"main"}');
    const before = emu.store.service(WEB_DEMO)!.target_num_containers;
    const r = await runCli(
      ['call', 'web', 'scale-hook', '--scale', '1000', '--timeout', '2.5', '--data', `@${file}`],
      emulatorEnv(emu.url),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(emu.store.service(WEB_DEMO)!.target_num_containers).toBe(before + 1000);
    expect(emu.store.service(WEB_DEMO)!.last_trigger_body).toBe('{"ref":"main"}');
  });

  it('a call never carries the Authorization header, though the lookups before it do', async () => {
    const { emu, heard } = await emulator({ seed: [webDemo()] });
    const withKey = await runCli(['call', 'web', 'deploy-hook'], emulatorEnv(emu.url));
    expect(withKey.code).toBe(0);
    const withAuth = await runCli(['call', 'web', 'deploy-hook', '--wait'], emulatorEnv(emu.url, { DOCKERCLOUD_AUTH: emu.auth }));
    expect(withAuth.code).toBe(0);
    const calls = heard.filter((q) => q.url.endsWith('/call/'));
    const others = heard.filter((q) => !q.url.endsWith('/call/'));
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(c.headers.authorization).toBeUndefined();
    expect(others.length).toBeGreaterThanOrEqual(3);
    for (const o of others) expect(o.headers.authorization).toBe(emu.auth);
  });
});

describe('bad call input is refused before anything is sent', () => {
  it('--data @missing is a usage error (exit 2) and nothing is sent (built CLI)', async () => {
    const { emu, heard } = await emulator();
    const missing = join(dir, 'missing.json');
    const r = await spawnCli(['call', 'web.demo', 'deploy-hook', '--data', `@${missing}`], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expectErrorLine(r, 'missing.json');
    expect(heard).toHaveLength(0);
    expect(emu.store.state.actions).toHaveLength(0);
  });

  it('--scale on a REDEPLOY trigger is a usage error and nothing is called', async () => {
    const { emu } = await emulator();
    const r = await runCli(['call', 'web.demo', 'deploy-hook', '--scale', '2'], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    expectErrorLine(r, /scale/i);
    expect(emu.store.state.actions).toHaveLength(0);
  });

  it('--scale must be a positive integer: usage error before any request', async () => {
    const { emu, heard } = await emulator();
    const env = emulatorEnv(emu.url);
    for (const value of ['0', '-1', '1.5', 'two', '']) {
      const r = await runCli(['call', 'web.demo', 'scale-hook', '--scale', value], env);
      expect({ value, code: r.code }).toEqual({ value, code: 2 });
      expectErrorLine(r, /scale/);
    }
    expect(heard).toHaveLength(0);
  });

  it('a call with one argument that is not a URL, or a URL that is not a call URL, is a usage error', async () => {
    const { emu, heard } = await emulator();
    const env = emulatorEnv(emu.url);
    const one = await runCli(['call', 'web.demo'], env);
    const notCall = await runCli(['call', `${emu.url}/api/app/v1/service/${WEB_DEMO}/`], env);
    for (const r of [one, notCall]) {
      expect(r.code).toBe(2);
      expectErrorLine(r);
    }
    expect(heard).toHaveLength(0);
  });
});

// --- against a scripted API ---

let server: FaultServer;

/** The answer that accepts a call and names its action. */
const accepted = (): Answer => json(202, {}, { 'x-dockercloud-action-uri': ACTION_URI });
const action = (state: string): Answer => json(200, { uuid: '5c5c5c5c-0000-4000-8000-00000000000d', action: 'Service Redeploy', state });

async function scripted(): Promise<FaultServer> {
  const f = await startFaultServer();
  cleanups.push(() => f.close());
  return f;
}
const env = (url: string, extra: Record<string, string> = {}): Record<string, string> => emulatorEnv(url, extra);
const callUrl = (f: { url: string }): string => `${f.url}${CALL_PATH}`;

/** A scripted server (`server`) that gives `answers`, in order, and expects nothing more; the call URL on it. */
async function callServer(...answers: Answer[]): Promise<string> {
  server = await scripted();
  server.enqueue(...answers);
  return callUrl(server);
}

/** A scripted server whose first answer accepts the call; the rest are up to the test. */
async function waitServer(): Promise<{ url: string; env: Record<string, string> }> {
  const url = await callServer(accepted());
  return { url, env: env(server.url) };
}

/** A poll that is never answered; resolves `closed` once the CLI gives up on it. */
function held(): { handler: Answer; closed: Promise<void> } {
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  return { handler: (_req, res) => void res.on('close', resolve), closed };
}

describe('call --data is capped at 4 MiB', () => {
  it('is 4 MiB', () => {
    expect(MAX_CALL_BODY).toBe(4 * 1024 * 1024);
  });

  it('@file of exactly 4 MiB is sent whole; one byte more is refused before anything is sent (exit 2)', async () => {
    const url = await callServer(accepted());
    const exact = join(dir, 'exact');
    writeFileSync(exact, Buffer.alloc(MAX_CALL_BODY, 'a'));
    const sent = await startCli(['call', url, '--data', `@${exact}`], tempHome()).done;
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body.length).toBe(MAX_CALL_BODY);

    const over = join(dir, 'over');
    writeFileSync(over, Buffer.alloc(MAX_CALL_BODY + 1, 'a'));
    const refused = await startCli(['call', url, '--data', `@${over}`], tempHome()).done;
    expect(refused.code).toBe(2);
    expect(firstLines(refused.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(1);
  });

  it('@/dev/zero ends at once with exit 2', async () => {
    const url = await callServer();
    const r = await startCli(['call', url, '--data', '@/dev/zero'], tempHome()).done;
    expect(r.code).toBe(2);
    expect(firstLines(r.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(0);
  });

  it('standard input that never ends (`yes |`) is read no further than the cap: exit 2', async () => {
    const url = await callServer();
    const run = startCli(['call', url, '--data', '-'], tempHome());
    // Writes until the CLI stops reading and exits; a CLI that reads on gets 64 MiB, then the end.
    const chunk = Buffer.alloc(64 * 1024, 'y\n');
    let accepted = 0;
    const stdin = run.child.stdin!;
    stdin.on('error', () => {});
    const pump = (): void => {
      while (!stdin.destroyed && accepted < 64 * 1024 * 1024) {
        accepted += chunk.length;
        if (!stdin.write(chunk)) return void stdin.once('drain', pump);
      }
      if (!stdin.destroyed) stdin.end();
    };
    pump();
    const r = await run.done;
    expect(r.code).toBe(2);
    expect(firstLines(r.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(0);
    // What the pipe took: the cap, and no more than a few chunks past it.
    expect(accepted).toBeLessThan(MAX_CALL_BODY + 1024 * 1024);
  });

  it('literal text over the cap is refused too', async () => {
    const url = await callServer();
    const r = await runCli(['call', url, '--data', 'x'.repeat(MAX_CALL_BODY + 1)], tempHome());
    expect(r.code).toBe(2);
    expect(firstLines(r.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(0);
  });
});

describeInPty('call --data - at a terminal', () => {
  it('says on stderr that it reads the body until Ctrl-D, then sends what was typed', async () => {
    const url = await callServer(accepted());
    const r = await runInPty(['call', url, '--data', '-'], {
      env: { ...tempHome(), TERM: 'dumb' },
      answers: [['(Ctrl-D to end)\r\n', 'line one\r\u0004']],
    });
    expect(r.output).toMatch(/^reading the body from standard input \(Ctrl-D to end\)\r\nline one\r\nTriggered /);
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.body)).toEqual(['line one\n']);
  });
});

// --- call --wait ---

describe('call --wait against the emulator (built CLI)', () => {
  // web.demo's actions last until a test ends them; api's end Failed.
  const waiting = () =>
    emulator({
      seed: [
        { ...webDemo(), action_duration_ms: 3_600_000 },
        { ...api(), action_result: 'Failed' },
      ],
    });

  it('polls the action until it ends, with a line on stderr per change of state; Success exits 0', async () => {
    const { emu, heard } = await waiting();
    const polls = (): number => heard.filter((s) => s.method === 'GET' && s.url.startsWith('/api/audit/v1/action/')).length;
    // The action stays in progress until the server has been polled twice, then ends.
    const polledTwice = new Promise<void>((resolve) => emu.server.on('request', () => polls() >= 2 && resolve()));
    const run = startCli(['call', 'web', 'deploy-hook', '--wait'], emulatorEnv(emu.url));
    cleanups.push(() => run.child.kill('SIGKILL'));
    await polledTwice;
    emu.store.state.actions[0].end_ms = 0;
    const r = await run.done;
    expect(r.code).toBe(0);
    const action = emu.store.state.actions[0];
    expect(emu.store.state.actions).toHaveLength(1);
    expect(r.stdout).toContain(`Action: ${actionPath(action.uuid)}`);
    expect(r.stdout).toMatch(/State: Success\n$/);
    expect(r.stderr).toBe('Service Redeploy: In progress\nService Redeploy: Success\n');
    // Polled while it ran (the In progress line) and once it had ended: the state was followed, not guessed.
    expect(polls()).toBeGreaterThanOrEqual(2);
  });

  it('an action that ends Failed exits 1; --json carries the final action', async () => {
    const { emu } = await waiting();
    const r = await spawnCli(['call', 'api', 'api-hook', '--wait', '--json'], emulatorEnv(emu.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Service Redeploy: Failed\nError: .*Failed/);
    const out = JSON.parse(r.stdout) as { status: number; action_uri: string; action: { state: string } };
    expect(out.status).toBe(202);
    expect(out.action.state).toBe('Failed');
    expect(emu.store.state.actions).toHaveLength(1);
  });

  it('an action still running after --wait-timeout exits 5; the trigger was called once', async () => {
    const { emu } = await waiting();
    const r = await spawnCli(['call', WEB_DEMO, T_DEPLOY, '--wait', '--wait-timeout', '0.5'], emulatorEnv(emu.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^(Service Redeploy: In progress\n)?Error: gave up waiting for the action after 0.5 s; /);
    expect(r.stdout).toContain('Triggered');
    expect(emu.store.state.actions).toHaveLength(1);
  });
});

describe('call --wait against a scripted API: the end of the wait', () => {
  it('Canceling then Canceled exits 1; the call has no Authorization, the polls have it', async () => {
    const f = await scripted();
    f.enqueue(accepted(), action('In progress'), action('Canceling'), action('Canceled'));
    const r = await runCli(['call', callUrl(f), '--wait'], env(f.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Service Redeploy: In progress\nService Redeploy: Canceling\nService Redeploy: Canceled\n' +
        `Error: the action Service Redeploy ended Canceled (${ACTION_URI})\n`,
    );
    expect(r.stdout).toMatch(/\nState: Canceled\n$/);
    expect(f.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
      `POST ${CALL_PATH}`,
      `GET ${ACTION_URI}`,
      `GET ${ACTION_URI}`,
      `GET ${ACTION_URI}`,
    ]);
    expect(f.requests.map((q) => q.headers.authorization)).toEqual([undefined, AUTH, AUTH, AUTH]);
  });

  it('Pending then Success exits 0', async () => {
    const f = await scripted();
    f.enqueue(accepted(), action('Pending'), action('Success'));
    const r = await runCli(['call', callUrl(f), '--wait'], env(f.url));
    expect(r.stderr).toBe('Service Redeploy: Pending\nService Redeploy: Success\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('State: Success');
    expect(f.requests).toHaveLength(3);
  });

  it('an action URI on another origin than the REST host never gets the credentials', async () => {
    // The call URL may be on any host (it is given by the user, or listed by the API) and needs no
    // credentials; the action URI its answer names must not make the CLI send them there.
    const rest = await scripted();
    const other = await scripted();
    // Neither expects more than the call: anything else would be unexpected, and fail the test.
    other.enqueue(json(202, {}, { 'x-dockercloud-action-uri': `${other.url}${ACTION_URI}` }));
    const r = await runCli(['call', callUrl(other), '--wait', '--wait-timeout', '5'], env(rest.url));
    // The call itself went out, without credentials; waiting on the action stops before any request.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^Error: refusing to send credentials to ${other.url}, which is not the REST host ${rest.url}\\n`));
    expect(other.requests.map((q) => `${q.method} ${q.headers.authorization ?? 'no credentials'}`)).toEqual(['POST no credentials']);
    expect(rest.requests).toEqual([]);
  });

  it('--wait-timeout ends the wait at its deadline: the poll the server holds open is cancelled, exit 5 (built binary)', async () => {
    // The default --timeout (30 s) would keep the poll waiting far longer than the test may run.
    const f = await scripted();
    let closed!: () => void;
    const heldClosed = new Promise<void>((resolve) => (closed = resolve));
    f.enqueue(accepted(), (_req, res) => {
      res.on('close', closed);
    });
    const r = await spawnCli(['call', callUrl(f), '--wait', '--wait-timeout', '1'], env(f.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(`Error: gave up waiting for the action after 1 s; no answer about it came in that time (${ACTION_URI})\n`);
    await heldClosed;
    expect(f.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`POST ${CALL_PATH}`, `GET ${ACTION_URI}`]);
  });

  it('through a proxy too: the held poll is cancelled at the deadline, exit 5 (built binary)', async () => {
    // The scripted server is the proxy and answers for the made-up host itself: nothing leaves the machine.
    const h = await scripted();
    let closed!: () => void;
    const heldClosed = new Promise<void>((resolve) => (closed = resolve));
    h.route('POST', CALL_PATH, json(202, {}, { 'x-dockercloud-action-uri': ACTION_URI }));
    h.route('GET', ACTION_URI, (_req, res) => {
      res.on('close', closed);
    });
    const host = 'http://api.test.invalid';
    const proxied = env(host, { HTTP_PROXY: h.url, DOCKERCLOUD_INSECURE: '1' });
    const r = await spawnCli(['call', `${host}${CALL_PATH}`, '--wait', '--wait-timeout', '1'], proxied);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: gave up waiting for the action after 1 s/);
    await heldClosed;
    expect(h.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`POST ${host}${CALL_PATH}`, `GET ${host}${ACTION_URI}`]);
  });

  it('a poll that answers "In progress" until the deadline: exit 5 naming the last state', async () => {
    const f = await scripted();
    f.enqueue(accepted());
    f.fallback(action('In progress'));
    const r = await runCli(['call', callUrl(f), '--wait', '--wait-timeout', '0.5'], env(f.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(
      `Service Redeploy: In progress\nError: gave up waiting for the action after 0.5 s; it is still In progress (${ACTION_URI})\n`,
    );
  });

  it('--wait without credentials fails (exit 3) before the trigger is called', async () => {
    const f = await scripted();
    const { DOCKERCLOUD_USER: _u, DOCKERCLOUD_APIKEY: _k, ...noCredentials } = env(f.url);
    const r = await runCli(['call', callUrl(f), '--wait'], noCredentials);
    expect(r.code).toBe(3);
    expect(f.requests).toEqual([]);
  });
});

describe('call --wait without a terminal: a line per change of state on stderr (scripted API)', () => {
  it('prints Pending, In progress, Success once each on stderr, uncoloured; stdout ends with the State line (built CLI, piped)', async () => {
    const { url, env } = await waitServer();
    server.enqueue(action('Pending'), action('In progress'), action('Success'));
    const r = await startCli(['call', url, '--wait'], env).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Service Redeploy: Pending\nService Redeploy: In progress\nService Redeploy: Success\n');
    expect(r.stdout).toMatch(new RegExp(`^Triggered trigger d1d1…\\nAction: ${ACTION_URI}\\nState: Success\\n$`));
    expect(server.requests).toHaveLength(4);
  });

  it('a state that lasts is repeated at most once a minute, with the time waited so far (clock of the test)', async () => {
    // Pauses between polls advance the test's clock instead of taking time: 150 s pass in a few ms.
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: (ms, signal) => {
        signal.throwIfAborted();
        now += ms;
        return Promise.resolve();
      },
    };
    const { url, env } = await waitServer();
    server.fallback((req, res, seen) => action(now < 1000 ? 'Pending' : now < 150_000 ? 'In progress' : 'Success')(req, res, seen));
    const r = await runCli(['call', url, '--wait'], env, { deps: { clock } });
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/\(\d+ s\)$/, '(N s)'))).toEqual([
      'Service Redeploy: Pending',
      'Service Redeploy: In progress',
      'Service Redeploy: still In progress (N s)',
      'Service Redeploy: still In progress (N s)',
      'Service Redeploy: Success',
    ]);
    const [first, second] = lines.slice(2, 4).map((l) => Number(/\((\d+) s\)$/.exec(l)![1]));
    expect(first).toBeGreaterThanOrEqual(60);
    expect(second - first).toBeGreaterThanOrEqual(60);
    // Far more polls than lines: Pending was seen several times, In progress dozens of times.
    expect(server.requests.length).toBeGreaterThan(60);
  });

  it('FORCE_COLOR colours the states on stderr and the State line: Success green, In progress yellow; Failed red', async () => {
    const { url, env } = await waitServer();
    server.enqueue(action('In progress'), action('Success'));
    const ok = await startCli(['call', url, '--wait'], { ...env, FORCE_COLOR: '1' }).done;
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('Service Redeploy: \u001b[33mIn progress\u001b[39m\nService Redeploy: \u001b[32mSuccess\u001b[39m\n');
    expect(ok.stdout).toMatch(/\nState: \u001b\[32mSuccess\u001b\[39m\n$/);

    server.enqueue(accepted(), action('Failed'));
    const failed = await startCli(['call', url, '--wait'], { ...env, FORCE_COLOR: '1' }).done;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\nState: \u001b\[31mFailed\u001b\[39m\n$/);
  });
});

describe('call --wait interrupted (built CLI, piped, scripted API)', () => {
  it('SIGTERM cancels the poll in flight, says the action goes on, exit 143', async () => {
    const { url, env } = await waitServer();
    const poll = held();
    server.enqueue(action('In progress'), poll.handler);
    const run = startCli(['call', url, '--wait'], env);
    cleanups.push(() => run.child.kill('SIGKILL'));
    await server.waitForRequest(3);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toBe(`Service Redeploy: In progress\nError: stopped waiting; the action goes on: ${ACTION_URI}\n`);
    expect(r.stdout).toMatch(new RegExp(`\\nAction: ${ACTION_URI}\\n$`));
    await poll.closed;
    expect(server.requests).toHaveLength(3);
  });

  it('SIGINT with --json: the JSON still names the action URI, with no action; exit 130', async () => {
    const { url, env } = await waitServer();
    const poll = held();
    server.enqueue(poll.handler);
    const run = startCli(['call', url, '--wait', '--json'], env);
    cleanups.push(() => run.child.kill('SIGKILL'));
    await server.waitForRequest(2);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(`Error: stopped waiting; the action goes on: ${ACTION_URI}\n`);
    expect(JSON.parse(r.stdout)).toEqual({ status: 202, action_uri: ACTION_URI, body: {}, action: null });
    await poll.closed;
  });
});

const FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

describeInPty('call --wait in a pseudo-terminal', () => {
  let emu: RunningEmulator;
  beforeEach(async () => {
    // Actions last until the test ends them.
    emu = await startEmulator({ seed: [{ ...webDemo(), action_duration_ms: 3_600_000 }] });
    cleanups.push(() => emu.close());
  });

  /** `trigger ARGS` in a 80x30 terminal. */
  function pty(args: string[], extra: Record<string, string>): PtyRun {
    const run = startInPty(args, { env: { ...emulatorEnv(emu.url), ...extra } });
    cleanups.push(() => run.kill());
    return run;
  }
  /** Ends the action of the latest call: its next poll sees Success. */
  const endAction = (): void => {
    emu.store.state.actions.at(-1)!.end_ms = 0;
  };

  it('a spinner shows the state, coloured, and the time waited; it is cleared before the State line', async () => {
    const run = pty(['call', 'web', 'deploy-hook', '--wait'], { TERM: 'xterm' });
    // The elapsed time moves on between polls: wait for it to show a second or more.
    await run.waitForOutput((shown) => /\u001b\[33mIn progress\u001b\[39m \([1-9]\d* s\)/.test(shown));
    endAction();
    const r = await run.done;
    expect(r.code).toBe(0);
    const uuid = emu.store.state.actions[0].uuid;
    expect(r.output).toMatch(
      new RegExp(`\\r${FRAME.source} Service Redeploy: \\u001b\\[33mIn progress\\u001b\\[39m \\(\\d+ s\\)\\u001b\\[K`),
    );
    expect(r.output).toContain(`Action: ${actionPath(uuid)}\r\n`);
    expect(r.output).toMatch(/\r\u001b\[KState: \u001b\[32mSuccess\u001b\[39m\r\n$/);
  });

  it('NO_COLOR and --no-color: the spinner and the State line are not coloured', async () => {
    for (const [args, extra] of [
      [[], { NO_COLOR: '1' }],
      [['--no-color'], {}],
    ] as const) {
      const run = pty(['call', 'web', 'deploy-hook', '--wait', ...args], { TERM: 'xterm', ...extra });
      await run.waitForOutput((shown) => /Service Redeploy: In progress \(\d+ s\)/.test(shown));
      endAction();
      const r = await run.done;
      expect(r.code).toBe(0);
      expect(r.output).toMatch(FRAME);
      expect(r.output).not.toMatch(SGR);
      expect(r.output).toMatch(/State: Success\r\n$/);
    }
  });

  it('TERM=dumb gets the lines, no spinner and no colour', async () => {
    const run = pty(['call', 'web', 'deploy-hook', '--wait'], { TERM: 'dumb' });
    await run.waitForOutput((shown) => shown.includes('Service Redeploy: In progress\r\n'));
    endAction();
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/\r\nService Redeploy: In progress\r\nService Redeploy: Success\r\nState: Success\r\n$/);
    expect(r.output).not.toMatch(FRAME);
    expect(r.output).not.toMatch(/\u001b/);
    expect(r.output).not.toMatch(/\r(?!\n)/);
  });

  it('Ctrl-C clears the spinner line and says the action goes on, exit 130', async () => {
    const run = pty(['call', 'web', 'deploy-hook', '--wait'], { TERM: 'xterm' });
    await run.waitForOutput((shown) => /Service Redeploy: .*In progress/.test(shown));
    run.type('\u0003');
    const r = await run.done;
    expect(r.code).toBe(130);
    const uuid = emu.store.state.actions[0].uuid;
    // After the last frame (and the ^C the terminal echoed): the line cleared, then the one message.
    const tail = r.output.slice(r.output.lastIndexOf('\r\u001b[K'));
    expect(tail.replace(new RegExp(SGR.source, 'g'), '')).toBe(
      `\r\u001b[KError: stopped waiting; the action goes on: ${actionPath(uuid)}\r\n`,
    );
    expect(tail).not.toMatch(FRAME);
    expect(emu.store.state.actions).toHaveLength(1);
  });
});

describe('call names the service as a person reads it', () => {
  it('Triggered … on web.demo in a stack, on api outside any (built CLI)', async () => {
    const emu = await startEmulator({ seed: [webDemo(), api()] });
    try {
      const env = emulatorEnv(emu.url);
      const inStack = await spawnCli(['call', 'web', 'deploy-hook'], env);
      expect({ code: inStack.code, stderr: inStack.stderr }).toEqual({ code: 0, stderr: '' });
      expect(inStack.stdout.split('\n')[0]).toBe('Triggered deploy-hook (REDEPLOY) on web.demo');
      const alone = await spawnCli(['call', 'api', 'api-hook'], env);
      expect(alone.stdout.split('\n')[0]).toBe('Triggered api-hook (REDEPLOY) on api');
    } finally {
      await emu.close();
    }
  });
});

describe('call: values it cannot take are repeated cut short', () => {
  it('a 100 KB --data @file name, and --scale: their first 79 characters and …, exit 2', async () => {
    const file = await spawnCli(['call', 'web', 'deploy-hook', '--data', `@${'f'.repeat(100_000)}`], emulatorEnv('http://127.0.0.1:9'));
    expect(file.code).toBe(2);
    expect(file.stderr.split('\n')[0]).toBe(`Error: cannot read the --data file '${'f'.repeat(79)}…': ENAMETOOLONG`);
    const scale = await spawnCli(['call', 'web', 'scale-hook', '--scale', '9'.repeat(100_000)], emulatorEnv('http://127.0.0.1:9'));
    expect(scale.code).toBe(2);
    expect(scale.stderr.split('\n')[0]).toBe(`Error: --scale must be a whole number from 1 to 1000, not '${'9'.repeat(79)}…'`);
  });
});

describe("call goes only to the trigger's own call URL on the REST host", () => {
  const path = triggerCallPath(WEB_DEMO, T_DEPLOY);
  const PASSWORD = registerSecret('hunter2-in-the-url');
  const REFUSED = 'Error: the API gave trigger deploy-hook a call URL that is not its own; it was not called\n';
  let api: FaultServer;
  let other: FaultServer;
  /** The `url` the API gives web.demo's trigger deploy-hook. */
  let given = '';
  beforeEach(async () => {
    [api, other] = await Promise.all([startFaultServer(), startFaultServer()]);
    other.fallback(json(202, {}));
    api.route('GET', triggersPath(WEB_DEMO), (req, res, seen) => {
      const trigger = {
        uuid: T_DEPLOY,
        name: 'deploy-hook',
        operation: 'REDEPLOY',
        url: given,
        resource_uri: triggerPath(WEB_DEMO, T_DEPLOY),
      };
      return json(200, { meta: { limit: 10, offset: 0, next: null, total_count: 1 }, objects: [trigger] })(req, res, seen);
    });
    api.route('POST', /\/call\/$/, json(202, {}));
  });
  afterEach(() => Promise.all([api.close(), other.close()]));

  it('an ftp:// url on the REST host: exit 1, and no byte of the body goes anywhere (built CLI)', async () => {
    given = `ftp://127.0.0.1:${api.port}/landed/`;
    const r = await spawnCli(['call', WEB_DEMO, 'deploy-hook', '--data', 'the body'], emulatorEnv(api.url));
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 1, stderr: REFUSED, stdout: '' });
    expect(api.requests.map((q) => q.method)).toEqual(['GET']);
  });

  it('a url of another scheme, host, path, trigger or service, with a user and password, a count or a query: exit 1, nothing sent', async () => {
    const urls = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,hello',
      `http://user:${PASSWORD}@127.0.0.1:${api.port}${path}`,
      `${other.url}${path}`,
      `${api.url}/landed/`,
      '/landed/',
      triggerCallPath(WEB_DEMO, T_SCALE),
      triggerCallPath(API, T_DEPLOY),
      `${path}3/`,
      `${path}?next=elsewhere`,
      'not a url',
    ];
    for (const url of urls) {
      given = url;
      const r = await runCli(['call', WEB_DEMO, 'deploy-hook', '--data', 'the body'], emulatorEnv(api.url));
      expect({ url, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ url, code: 1, stderr: REFUSED, stdout: '' });
    }
    expect(api.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(other.connections).toBe(0);
  });

  it('its call path, with or without the REST host, or with a namespace, is called', async () => {
    for (const url of [path, `${api.url}${path}`, triggerCallPath(WEB_DEMO, T_DEPLOY, 'acme')]) {
      given = url;
      const r = await runCli(['call', WEB_DEMO, 'deploy-hook'], emulatorEnv(api.url));
      expect({ url, code: r.code, stderr: r.stderr }).toEqual({ url, code: 0, stderr: '' });
      expect(api.requests.at(-1)).toMatchObject({ method: 'POST', url: new URL(url, api.url).pathname });
    }
  });
});

describe('call --wait takes only the action states the API documents', () => {
  const path = triggerCallPath(WEB_DEMO, T_DEPLOY);
  const ACTION = '/api/audit/v1/action/5c5c5c5c-0000-4000-8000-00000000000d/';
  let api: FaultServer;
  let state: unknown;
  beforeEach(async () => {
    api = await startFaultServer();
    api.route('POST', path, json(202, {}, { 'x-dockercloud-action-uri': ACTION }));
    api.route('GET', ACTION, (req, res, seen) => {
      const action = {
        uuid: '5c5c5c5c-0000-4000-8000-00000000000d',
        action: 'Service Redeploy',
        ...(state === undefined ? {} : { state }),
      };
      return json(200, action)(req, res, seen);
    });
  });
  afterEach(() => api.close());

  const malformed = (what: string): string =>
    `Error: unexpected answer from ${api.url}${ACTION} (HTTP 200): the action's "state" is ${what}, not one of Pending, In progress, Canceling, Canceled, Success, Failed\n`;

  it('a state that is null: exit 1 naming the action URI, no State line (built CLI)', async () => {
    state = null;
    const r = await spawnCli(['call', `${api.url}${path}`, '--wait'], emulatorEnv(api.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(malformed('null'));
    expect(r.stdout).toBe(`Triggered trigger d1d1…\nAction: ${ACTION}\n`);
  });

  it('a number, an object, a list, none at all, or a word the API does not use: exit 1, the same way', async () => {
    const cases: [unknown, string][] = [
      [3, 'a number'],
      [{ name: 'Success' }, 'an object'],
      [['Success'], 'a list'],
      [undefined, 'missing'],
      ['Exploded', '"Exploded"'],
      ['success', '"success"'],
      ['x'.repeat(500), JSON.stringify('x'.repeat(60))],
    ];
    for (const [value, what] of cases) {
      state = value;
      const r = await runCli(['call', `${api.url}${path}`, '--wait'], emulatorEnv(api.url));
      expect({ what, code: r.code, stderr: r.stderr }).toEqual({ what, code: 1, stderr: malformed(what) });
    }
    expect(api.requests.filter((q) => q.method === 'GET')).toHaveLength(cases.length);
  });
});
