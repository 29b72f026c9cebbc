// `trigger call --data`: the body is capped at 4 MiB, whether given as text, @file or on standard input;
// reading stops once it is over the cap (an endless /dev/zero or `yes |` ends at once), the run exits 2
// naming the limit, and nothing is sent. A body of exactly 4 MiB is sent whole. Built CLI where the
// process matters (stdin, files), against a scripted loopback server. At a terminal, `--data -` first
// says that it reads standard input until Ctrl-D.
// `trigger call --wait`: how the wait shows its progress (a line per change of state without a
// terminal, a spinner with the elapsed time on one), its colours, and SIGINT / SIGTERM during the wait;
// through a pipe and in a pseudo-terminal (script(1)), against a scripted server or the emulator.
// What a call says names its service as `name.stack`. A trigger found through the API is called at its
// `url` only when that is its own call URL on the REST host.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CALL_BODY } from '../../src/commands/call.js';
import type { Clock } from '../../src/commands/wait.js';
import { actionPath, triggerCallPath, triggerPath, triggersPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli, startCli, tempHome, type RunningCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { json, startFaultServer, type FaultServer, type Handler } from '../helpers/fault-server.js';
import { API, T_DEPLOY, T_SCALE, WEB_DEMO, webDemo } from '../helpers/fixture.js';
import { json as hostileJson, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { registerSecret } from '../helpers/secrets.js';
import { HAS_SCRIPT, NO_SCRIPT, runInPty } from '../helpers/pty.js';

const TOO_LARGE = 'Error: the --data body is larger than 4 MiB, the most a call sends\n';

let server: FaultServer;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trigger-call-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
});

async function callServer(): Promise<string> {
  server = await startFaultServer();
  server.fallback(json(202, {}, { 'x-dockercloud-action-uri': '/api/audit/v1/action/5c5c5c5c-0000-4000-8000-00000000000d/' }));
  return `${server.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`;
}

const firstLines = (stderr: string): string => `${stderr.split('\n')[0]}\n`;

describe('call --data is capped at 4 MiB', () => {
  it('is 4 MiB', () => {
    expect(MAX_CALL_BODY).toBe(4 * 1024 * 1024);
  });

  it('@file of exactly 4 MiB is sent whole; one byte more is refused before anything is sent (exit 2)', async () => {
    const url = await callServer();
    const exact = join(dir, 'exact');
    writeFileSync(exact, Buffer.alloc(MAX_CALL_BODY, 'a'));
    const sent = await startCli(['call', url, '--data', `@${exact}`], tempHome()).done;
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.length).toBe(MAX_CALL_BODY);

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

describe.skipIf(!HAS_SCRIPT)(`call --data - at a terminal${HAS_SCRIPT ? '' : ` (${NO_SCRIPT})`}`, () => {
  it('says on stderr that it reads the body until Ctrl-D, then sends what was typed', async () => {
    const url = await callServer();
    const r = await runInPty(['call', url, '--data', '-'], tempHome(), [['(Ctrl-D to end)\r\n', 'line one\r\u0004']]);
    expect(r.output).toMatch(/^reading the body from standard input \(Ctrl-D to end\)\r\nline one\r\nTriggered /);
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.body)).toEqual(['line one\n']);
  });
});

// --- call --wait ---

const ACTION_URI = '/api/audit/v1/action/5c5c5c5c-0000-4000-8000-00000000000d/';
const action = (state: string): Handler => json(200, { uuid: '5c5c5c5c-0000-4000-8000-00000000000d', action: 'Service Redeploy', state });
const SGR = /\u001b\[[0-9;]*m/;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A scripted server whose first answer accepts the call; the rest are up to the test. */
async function waitServer(): Promise<{ url: string; env: Record<string, string> }> {
  const url = await callServer();
  server.enqueue(json(202, {}, { 'x-dockercloud-action-uri': ACTION_URI }));
  server.fallback(undefined);
  return { url, env: { ...tempHome(), DOCKERCLOUD_REST_HOST: `${server.url}/`, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'demo-apikey' } };
}

/** A poll that is never answered; resolves `closed` once the CLI gives up on it. */
function held(): { handler: Handler; closed: Promise<void> } {
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  return { handler: (_req, res) => void res.on('close', resolve), closed };
}

describe('call --wait without a terminal: a line per change of state on stderr', () => {
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
      sleep: async (ms, signal) => {
        signal.throwIfAborted();
        now += ms;
      },
    };
    const { url, env } = await waitServer();
    server.fallback((req, res, info) => action(now < 1000 ? 'Pending' : now < 150_000 ? 'In progress' : 'Success')(req, res, info));
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
    expect(second! - first!).toBeGreaterThanOrEqual(60);
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

    server.enqueue(json(202, {}, { 'x-dockercloud-action-uri': ACTION_URI }), action('Failed'));
    const failed = await startCli(['call', url, '--wait'], { ...env, FORCE_COLOR: '1' }).done;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\nState: \u001b\[31mFailed\u001b\[39m\n$/);
  });
});

describe('call --wait interrupted (built CLI, piped)', () => {
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

// --- in a pseudo-terminal ---

const IN_PTY = HAS_SCRIPT ? 'in a pseudo-terminal' : `in a pseudo-terminal (${NO_SCRIPT})`;
const FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

describe.skipIf(!HAS_SCRIPT)(`call --wait ${IN_PTY}`, () => {
  let emu: RunningEmulator;
  beforeEach(async () => {
    // Actions last until the test ends them.
    emu = await startEmulator({ seed: [{ ...webDemo(), action_duration_ms: 3_600_000 }] });
    cleanups.push(() => emu.close());
  });

  /** `trigger ARGS` in a 80x30 terminal; its stdout and stderr both arrive as the run's stdout. */
  function pty(args: string[], extra: Record<string, string>): RunningCli {
    const run = startCli(args, { ...emulatorEnv(emu.url), SHELL: '/bin/sh', ...extra }, {
      command: (argv) => ['script', ['-qec', `stty cols 80 rows 30; exec ${argv.map((a) => `'${a}'`).join(' ')}`, '/dev/null']],
    });
    cleanups.push(() => run.child.kill('SIGKILL'));
    return run;
  }
  /** Ends the action of the latest call: its next poll sees Success. */
  const endAction = (): void => {
    emu.store.state.actions.at(-1)!.end_ms = 0;
  };

  it('a spinner shows the state, coloured, and the time waited; it is cleared before the State line', async () => {
    const run = pty(['call', 'web', 'deploy-hook', '--wait'], { TERM: 'xterm' });
    // The elapsed time moves on between polls: wait for it to show a second or more.
    await run.waitForOutput(({ stdout }) => /\u001b\[33mIn progress\u001b\[39m \([1-9]\d* s\)/.test(stdout));
    endAction();
    const r = await run.done;
    expect(r.code).toBe(0);
    const uuid = emu.store.state.actions[0]!.uuid;
    expect(r.stdout).toMatch(new RegExp(`\\r${FRAME.source} Service Redeploy: \\u001b\\[33mIn progress\\u001b\\[39m \\(\\d+ s\\)\\u001b\\[K`));
    expect(r.stdout).toContain(`Action: ${actionPath(uuid)}\r\n`);
    expect(r.stdout).toMatch(/\r\u001b\[KState: \u001b\[32mSuccess\u001b\[39m\r\n$/);
  });

  it('NO_COLOR and --no-color: the spinner and the State line are not coloured', async () => {
    for (const [args, extra] of [[[], { NO_COLOR: '1' }], [['--no-color'], {}]] as const) {
      const run = pty(['call', 'web', 'deploy-hook', '--wait', ...args], { TERM: 'xterm', ...extra });
      await run.waitForOutput(({ stdout }) => /Service Redeploy: In progress \(\d+ s\)/.test(stdout));
      endAction();
      const r = await run.done;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(FRAME);
      expect(r.stdout).not.toMatch(SGR);
      expect(r.stdout).toMatch(/State: Success\r\n$/);
    }
  });

  it('TERM=dumb gets the lines, no spinner and no colour', async () => {
    const run = pty(['call', 'web', 'deploy-hook', '--wait'], { TERM: 'dumb' });
    await run.waitForOutput(({ stdout }) => stdout.includes('Service Redeploy: In progress\r\n'));
    endAction();
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\r\nService Redeploy: In progress\r\nService Redeploy: Success\r\nState: Success\r\n$/);
    expect(r.stdout).not.toMatch(FRAME);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stdout).not.toMatch(/\r(?!\n)/);
  });

  it('Ctrl-C clears the spinner line and says the action goes on, exit 130', async () => {
    const run = pty(['call', 'web', 'deploy-hook', '--wait'], { TERM: 'xterm' });
    await run.waitForOutput(({ stdout }) => /Service Redeploy: .*In progress/.test(stdout));
    run.child.stdin!.write('\u0003');
    const r = await run.done;
    expect(r.code).toBe(130);
    const uuid = emu.store.state.actions[0]!.uuid;
    // After the last frame (and the ^C the terminal echoed): the line cleared, then the one message.
    const tail = r.stdout.slice(r.stdout.lastIndexOf('\r\u001b[K'));
    expect(tail.replace(new RegExp(SGR.source, 'g'), '')).toBe(`\r\u001b[KError: stopped waiting; the action goes on: ${actionPath(uuid)}\r\n`);
    expect(tail).not.toMatch(FRAME);
    expect(emu.store.state.actions).toHaveLength(1);
  });
});

describe('call names the service as a person reads it', () => {
  it('Triggered … on web.demo in a stack, on api outside any (built CLI)', async () => {
    const emu = await startEmulator({ seed: [webDemo(), { uuid: API, name: 'api', stack: null, triggers: [{ name: 'api-hook' }] }] });
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

describe("call goes only to the trigger's own call URL on the REST host", () => {
  const path = triggerCallPath(WEB_DEMO, T_DEPLOY);
  const PASSWORD = registerSecret('hunter2-in-the-url');
  const REFUSED = 'Error: the API gave trigger deploy-hook a call URL that is not its own; it was not called\n';
  let api: HostileServer;
  let other: HostileServer;
  /** The `url` the API gives web.demo's trigger deploy-hook. */
  let given = '';
  beforeEach(async () => {
    [api, other] = await Promise.all([startHostileServer(), startHostileServer()]);
    other.fallback(hostileJson(202, {}));
    api.route('GET', triggersPath(WEB_DEMO), (req, res) => {
      const trigger = { uuid: T_DEPLOY, name: 'deploy-hook', operation: 'REDEPLOY', url: given, resource_uri: triggerPath(WEB_DEMO, T_DEPLOY) };
      return hostileJson(200, { meta: { limit: 10, offset: 0, next: null, total_count: 1 }, objects: [trigger] })(req, res);
    });
    api.route('POST', /\/call\/$/, hostileJson(202, {}));
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
  let api: HostileServer;
  let state: unknown;
  beforeEach(async () => {
    api = await startHostileServer();
    api.route('POST', path, hostileJson(202, {}, { 'x-dockercloud-action-uri': ACTION }));
    api.route('GET', ACTION, (req, res) => {
      const action = { uuid: '5c5c5c5c-0000-4000-8000-00000000000d', action: 'Service Redeploy', ...(state === undefined ? {} : { state }) };
      return hostileJson(200, action)(req, res);
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
