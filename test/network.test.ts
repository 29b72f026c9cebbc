// The network behaviour of the CLI (src/api/client.ts, src/api/http.ts): retries, Retry-After,
// timeouts, connection failures, redirects, proxies, credentials never sent over plain http to a host
// that is not loopback, keep-alive, bodies the server refuses, TLS and the body cap.
// Real HTTP on loopback against scripted fault servers (test/helpers/fault-server.ts) or the emulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../src/api/client.js';
import { PAGE_SIZE } from '../src/api/paging.js';
import { MAX_BODY_BYTES } from '../src/api/requester.js';
import { triggerCallPath, triggerPath, triggersPath } from '../src/api/paths.js';
import { ApiError } from '../src/errors.js';
import { resolveSettings } from '../src/settings.js';
import { basic } from './helpers/account.js';
import { emulatorEnv, ROOT, runCli, spawnCli, type Result } from './helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';
import {
  hang,
  json,
  onHeaders,
  page,
  redirect,
  reset,
  slowBody,
  startFaultServer,
  startProxy,
  status,
  type Answer,
  type FaultServer,
  type TestProxy,
} from './helpers/fault-server.js';
import { debugLines, expectErrorLine } from './helpers/expect.js';
import { T_DEPLOY, WEB_DEMO, webDemo } from './helpers/fixture.js';
import { deadPort } from './helpers/net.js';
import { registerSecret } from './helpers/secrets.js';

const SVC = WEB_DEMO;
const TRIG = T_DEPLOY;
const LIST_PATH = triggersPath(SVC);
/** The list's first page, as the CLI asks for it. */
const FIRST_PAGE = `${LIST_PATH}?limit=${PAGE_SIZE}`;
const TRIG_PATH = triggerPath(SVC, TRIG);
const CALL_PATH = triggerCallPath(SVC, TRIG);
const MASKED_TRIG_PATH = `/api/app/v1/service/${SVC}/trigger/${TRIG.slice(0, 4)}…/`;
const ACTION_URI = '/api/audit/v1/action/0a0a0a0a-0000-4000-8000-000000000001/';
const AUTH = basic(USER, APIKEY);

function trigger(uuid = TRIG, name = 'deploy-hook'): Record<string, string> {
  return { uuid, name, operation: 'REDEPLOY', url: triggerCallPath(SVC, uuid), resource_uri: triggerPath(SVC, uuid) };
}

const onePage = (): Answer => json(200, page([trigger()]));
const accepted = (): Answer =>
  json(202, { uuid: '0a0a0a0a-0000-4000-8000-000000000001', state: 'Pending' }, { 'x-dockercloud-action-uri': ACTION_URI });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function fault(): Promise<FaultServer> {
  const f = await startFaultServer();
  cleanups.push(() => f.close());
  return f;
}

async function emulator(
  opts: Parameters<typeof startEmulator>[0] = {},
): Promise<{ emu: RunningEmulator; urls: string[]; connections: () => number }> {
  const emu = await startEmulator({ seed: [{ uuid: SVC, name: 'web', triggers: [{ uuid: TRIG, name: 'deploy-hook' }] }], ...opts });
  const urls: string[] = [];
  let connections = 0;
  emu.server.on('request', (req) => urls.push(`${req.method} ${req.url}`));
  emu.server.on('connection', () => connections++);
  cleanups.push(() => emu.close());
  return { emu, urls, connections: () => connections };
}

async function proxy(): Promise<TestProxy> {
  const p = await startProxy();
  cleanups.push(() => p.close());
  return p;
}

const env = (url: string, extra: Record<string, string> = {}): Record<string, string> => emulatorEnv(url, extra);
const callUrl = (f: { url: string }): string => `${f.url}${CALL_PATH}`;

describe('retries of GET and DELETE', () => {
  it('a 503 on GET is retried: 2 requests to the same URL, then success', async () => {
    const f = await fault();
    f.enqueue(status(503), onePage());
    const r = await runCli(['list', SVC, '--no-trunc'], env(f.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TRIG);
    expect(f.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`GET ${FIRST_PAGE}`, `GET ${FIRST_PAGE}`]);
    expect(f.requests.every((q) => q.headers.authorization === AUTH)).toBe(true);
    expect(f.unexpected).toEqual([]);
  });

  it('502 and 504 on GET are retried too', async () => {
    const f = await fault();
    f.enqueue(status(502), status(504), onePage());
    const r = await runCli(['list', SVC], env(f.url));
    expect(r.code).toBe(0);
    expect(f.requests).toHaveLength(3);
    expect(f.unexpected).toEqual([]);
  });

  it('a connection reset (socket destroyed) on GET is retried', async () => {
    const f = await fault();
    f.enqueue(reset(), onePage());
    const r = await runCli(['list', SVC, '--no-trunc'], env(f.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TRIG);
    expect(f.requests.map((q) => q.method)).toEqual(['GET', 'GET']);
  });

  it('a 502 on DELETE is retried and the trigger is removed once', async () => {
    const f = await fault();
    f.enqueue(status(502), status(204));
    const r = await runCli(['rm', SVC, TRIG], env(f.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${TRIG}\n`);
    expect(f.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`DELETE ${TRIG_PATH}`, `DELETE ${TRIG_PATH}`]);
  });

  it('at most 3 tries in all: an API that always answers 503 gets 3 requests, exit 1', async () => {
    const f = await fault();
    f.fallback(status(503));
    const r = await runCli(['list', SVC], env(f.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*503/);
    expect(f.requests).toHaveLength(3);
  });

  it('--no-retry sends one request only', async () => {
    const f = await fault();
    f.fallback(status(503));
    const r = await runCli(['list', SVC, '--no-retry'], env(f.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('503');
    expect(f.requests).toHaveLength(1);
  });

  it('Retry-After in seconds is honoured on a 429 (the second try waits about a second)', async () => {
    const f = await fault();
    f.enqueue(status(429, { 'retry-after': '1' }), onePage());
    const r = await runCli(['list', SVC], env(f.url));
    expect(r.code).toBe(0);
    expect(f.requests).toHaveLength(2);
    // runCli shortens the backoff to 1 ms, so only Retry-After can explain the gap.
    expect(f.requests[1].at - f.requests[0].at).toBeGreaterThanOrEqual(900);
  });

  it('a 400 or a 500 on GET is not retried', async () => {
    for (const code of [400, 500]) {
      const f = await fault();
      f.fallback(status(code));
      const r = await runCli(['list', SVC], env(f.url));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(String(code));
      expect(f.requests).toHaveLength(1);
    }
  });
});

describe('retries of POST: a trigger never fires twice', () => {
  it('a trigger call answered 503 then 202 is retried, and exactly one call succeeds', async () => {
    const f = await fault();
    let fired = 0;
    const fire = accepted();
    f.enqueue(status(503), (req, res, info) => {
      fired++;
      return fire(req, res, info);
    });
    const r = await runCli(['call', callUrl(f), '--data', 'payload'], env(f.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Action: ${ACTION_URI}`);
    expect(fired).toBe(1);
    expect(f.requests.map((q) => `${q.method} ${q.url} ${q.body}`)).toEqual([`POST ${CALL_PATH} payload`, `POST ${CALL_PATH} payload`]);
    expect(f.requests.every((q) => q.headers.authorization === undefined)).toBe(true);
  });

  it('an action URI header sent twice: the first one is the action', async () => {
    const f = await fault();
    const other = '/api/audit/v1/action/0b0b0b0b-0000-4000-8000-000000000002/';
    f.enqueue((_req, res) => {
      res.setHeader('x-dockercloud-action-uri', [ACTION_URI, other]);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
    const r = await runCli(['call', callUrl(f)], env(f.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Action: ${ACTION_URI}`);
    expect(r.stdout).not.toContain(other);
  });

  it('a 500 on a trigger call is not retried: 1 request, exit 1', async () => {
    const f = await fault();
    f.fallback(status(500));
    const r = await runCli(['call', callUrl(f)], env(f.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*500/);
    expect(f.requests).toHaveLength(1);
  });

  it('502 and 504 on a trigger call are not retried', async () => {
    for (const code of [502, 504]) {
      const f = await fault();
      f.fallback(status(code));
      const r = await runCli(['call', callUrl(f)], env(f.url));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(String(code));
      expect(f.requests).toHaveLength(1);
    }
  });

  it('a 502 on create (POST) is not retried', async () => {
    const f = await fault();
    f.fallback(status(502));
    const r = await runCli(['create', SVC, '-n', 'hook', '--allow-duplicate'], env(f.url));
    expect(r.code).toBe(1);
    expect(f.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`POST ${LIST_PATH}`]);
  });

  it('a connection reset after the call reached the server is not retried (exit 5)', async () => {
    const f = await fault();
    f.fallback(reset());
    const r = await runCli(['call', callUrl(f)], env(f.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: /);
    expect(f.requests).toHaveLength(1);
  });

  it('a call that could not connect (refused) is retried: 3 tries, exit 5', async () => {
    const port = await deadPort();
    const url = `http://127.0.0.1:${port}`;
    const r = await runCli(['--debug', 'call', `${url}${CALL_PATH}`], env(url));
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('refused');
    expect(debugLines(r.stderr).sent).toHaveLength(3);
  });

  it('a 429 on a trigger call with Retry-After as an HTTP date is retried after that date', async () => {
    const f = await fault();
    let fired = 0;
    const fire = accepted();
    f.enqueue(
      (req, res, info) => status(429, { 'retry-after': new Date(Date.now() + 2000).toUTCString() })(req, res, info),
      (req, res, info) => {
        fired++;
        return fire(req, res, info);
      },
    );
    const r = await runCli(['call', callUrl(f)], env(f.url));
    expect(r.code).toBe(0);
    expect(fired).toBe(1);
    expect(f.requests).toHaveLength(2);
    // The date has one-second resolution: it lies 1 to 2 s after the first answer.
    expect(f.requests[1].at - f.requests[0].at).toBeGreaterThanOrEqual(900);
  });
});

describe('timeouts', () => {
  it('the default is 30 s; --timeout and DOCKERCLOUD_TIMEOUT set it', () => {
    expect(resolveSettings({ flags: {}, env: {} }).timeoutS).toBe(30);
    expect(resolveSettings({ flags: {}, env: { DOCKERCLOUD_TIMEOUT: '2.5' } }).timeoutS).toBe(2.5);
    expect(resolveSettings({ flags: { timeout: '7' }, env: { DOCKERCLOUD_TIMEOUT: '2.5' } }).timeoutS).toBe(7);
  });

  it('an invalid --timeout is a usage error before any request', async () => {
    const f = await fault();
    const r = await runCli(['list', SVC, '--timeout', 'soon'], env(f.url));
    expect(r.code).toBe(2);
    expect(f.requests).toHaveLength(0);
  });

  it('a body that never finishes with --timeout 0.5: exit 5, the message names the (masked) URL', async () => {
    const f = await fault();
    f.fallback(slowBody());
    const r = await runCli(['inspect', SVC, TRIG, '--timeout', '0.5'], env(f.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: .*tim/i);
    expect(r.stderr).toContain(`${f.url}${MASKED_TRIG_PATH}`);
    expect(r.stderr).not.toContain(TRIG);
    expect(f.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('the time limit covers the whole body: a body trickling in forever still times out', async () => {
    const f = await fault();
    f.fallback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"meta": {');
      // A byte every 50 ms: no single gap is long, the whole answer never ends.
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const r = await runCli(['list', SVC, '--timeout', '0.5'], env(f.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: .*tim/i);
    expect(r.stderr).toContain(`${f.url}${LIST_PATH}`);
  });

  it('a server that never answers, with DOCKERCLOUD_TIMEOUT=0.5: exit 5 naming the URL', async () => {
    const f = await fault();
    f.fallback(hang());
    const r = await runCli(['list', SVC], env(f.url, { DOCKERCLOUD_TIMEOUT: '0.5' }));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: .*tim/i);
    expect(r.stderr).toContain(`${f.url}${LIST_PATH}`);
  });
});

describe('redirects', () => {
  it('a GET redirected to another origin is followed without the Authorization header', async () => {
    const a = await fault();
    const b = await fault();
    a.enqueue(redirect(302, `${b.url}${LIST_PATH}`));
    b.enqueue(onePage());
    const r = await runCli(['list', SVC, '--no-trunc'], env(a.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TRIG);
    expect(a.requests[0].headers.authorization).toBe(AUTH);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0].url).toBe(LIST_PATH);
    expect(b.requests[0].headers.authorization).toBeUndefined();
  });

  it('a GET redirected on the same origin keeps the Authorization header', async () => {
    const a = await fault();
    a.enqueue(redirect(301, `${LIST_PATH}?moved=1`), onePage());
    const r = await runCli(['list', SVC], env(a.url));
    expect(r.code).toBe(0);
    expect(a.requests.map((q) => q.url)).toEqual([FIRST_PAGE, `${LIST_PATH}?moved=1`]);
    expect(a.requests.map((q) => q.headers.authorization)).toEqual([AUTH, AUTH]);
  });

  it('a redirect answering a trigger call or a create (POST) is not followed: exit 1', async () => {
    const a = await fault();
    // b expects nothing: a request followed there would be unexpected, and fail the test.
    const b = await fault();
    a.enqueue(redirect(307, `${b.url}${CALL_PATH}`));
    const call = await runCli(['call', callUrl(a)], env(a.url));
    expect(call.code).toBe(1);
    expect(call.stderr).toMatch(/^Error: .*redirect/i);
    expect(call.stderr).not.toContain(TRIG);
    a.enqueue(redirect(308, `${b.url}${LIST_PATH}`));
    const create = await runCli(['create', SVC, '-n', 'hook', '--allow-duplicate'], env(a.url));
    expect(create.code).toBe(1);
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(0);
  });

  it('a redirect loop ends with an error that says so, not an endless run', async () => {
    const a = await fault();
    a.fallback(redirect(302, LIST_PATH));
    const r = await runCli(['list', SVC], env(a.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: too many redirects for GET ${a.url}${FIRST_PAGE}: stopped after 5 redirects\n`);
    expect(a.requests).toHaveLength(6);
  });

  it('a redirect to a scheme other than http(s) is refused, exit 1, and nothing is fetched there', async () => {
    const a = await fault();
    const b = await fault();
    const targets: [string, string][] = [
      [`ftp://127.0.0.1:${b.port}${LIST_PATH}`, 'ftp:'],
      ['file:///etc/passwd', 'file:'],
      ['javascript:alert(1)', 'javascript:'],
      ['data:application/json,{}', 'data:'],
    ];
    for (const [location, scheme] of targets) {
      a.enqueue(redirect(302, location));
      const r = await runCli(['list', SVC], env(a.url));
      expect(r.code, location).toBe(1);
      expect(r.stderr).toBe(
        `Error: GET ${a.url}${FIRST_PAGE} answered a redirect (HTTP 302) to a URL that is not http (${scheme}), which is never followed\n`,
      );
    }
    expect(a.requests).toHaveLength(targets.length);
    expect(b.connections).toBe(0);
  });
});

describe('proxies (from the command environment)', () => {
  // A host that is not loopback goes through the proxy. The test proxy reaches every host name at
  // 127.0.0.1, so a made-up name stands for a remote host and nothing leaves the machine.
  const REMOTE = 'api.test.invalid';
  const remote = (emu: RunningEmulator, extra: Record<string, string> = {}): Record<string, string> =>
    env(`http://${REMOTE}:${new URL(emu.url).port}`, { DOCKERCLOUD_INSECURE: '1', ...extra });
  const forwarded = (emu: RunningEmulator, path: string): string => `forward GET http://${REMOTE}:${new URL(emu.url).port}${path}`;

  it('HTTP_PROXY: requests go through the proxy', async () => {
    const { emu, urls } = await emulator();
    const p = await proxy();
    const r = await runCli(['list', SVC, '--no-trunc'], remote(emu, { HTTP_PROXY: p.url }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TRIG);
    expect(p.records.map((q) => `${q.kind} ${q.method} ${q.target}`)).toEqual([forwarded(emu, FIRST_PAGE)]);
    expect(urls).toEqual([`GET ${FIRST_PAGE}`]);
  });

  it('HTTP_PROXY with the built binary: its proxy bundle loads and the list comes through the proxy', async () => {
    const { emu, urls } = await emulator();
    const p = await proxy();
    const r = await spawnCli(['list', SVC, '-q'], remote(emu, { HTTP_PROXY: p.url }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${TRIG}\n`);
    expect(p.records.map((q) => `${q.kind} ${q.method} ${q.target}`)).toEqual([forwarded(emu, FIRST_PAGE)]);
    expect(urls).toEqual([`GET ${FIRST_PAGE}`]);
  });

  it('dist/proxy.cjs carries a request through the proxy with V8 in its usual mode and with --liftoff-only', async () => {
    // The CLI runs undici with --liftoff-only (src/api/http.ts) to save compiling time; the flag must
    // change nothing else. The bundle is driven directly, in a Node of its own per mode.
    const { emu, urls } = await emulator();
    const p = await proxy();
    const target = `http://${REMOTE}:${new URL(emu.url).port}`;
    const script = `
      const flag = process.argv[1];
      if (flag) require('node:v8').setFlagsFromString(flag);
      const { createProxyDispatcher, proxyRequest } = require(${JSON.stringify(join(ROOT, 'dist/proxy.cjs'))});
      const dispatcher = createProxyDispatcher({ http: ${JSON.stringify(p.url)}, https: '', noProxy: '', keepAliveMs: 1000, connections: 1 });
      proxyRequest(dispatcher, { origin: ${JSON.stringify(target)}, path: ${JSON.stringify(LIST_PATH)}, method: 'GET',
        headers: { authorization: ${JSON.stringify(AUTH)}, accept: 'application/json' } })
        .then(async (res) => { console.log(res.statusCode, (await res.body.json()).objects[0].uuid); await dispatcher.close(); });`;
    for (const flag of ['', '--liftoff-only']) {
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) =>
        execFile(process.execPath, ['-e', script, flag], (err, stdout) => resolve({ code: err ? 1 : 0, stdout })),
      );
      expect({ flag, ...r }).toEqual({ flag, code: 0, stdout: `200 ${TRIG}\n` });
    }
    expect(urls).toEqual([`GET ${LIST_PATH}`, `GET ${LIST_PATH}`]);
    expect(p.records).toHaveLength(2);
  });

  it('lower-case http_proxy works too', async () => {
    const { emu } = await emulator();
    const p = await proxy();
    const r = await runCli(['list', SVC], remote(emu, { http_proxy: p.url }));
    expect(r.code).toBe(0);
    expect(p.records.map((q) => `${q.kind} ${q.method} ${q.target}`)).toEqual([forwarded(emu, FIRST_PAGE)]);
  });

  it('NO_PROXY naming the host (or no_proxy) bypasses the proxy; HTTPS_PROXY alone is not used for http', async () => {
    const { emu, urls } = await emulator();
    const p = await proxy();
    for (const extra of <Record<string, string>[]>[
      { HTTP_PROXY: p.url, NO_PROXY: REMOTE },
      { http_proxy: p.url, no_proxy: `example.com,${REMOTE}` },
      { HTTPS_PROXY: p.url },
    ]) {
      // Direct, the made-up name cannot be resolved: that failure shows the proxy was left out.
      const r = await runCli(['list', SVC, '--no-retry'], remote(emu, extra));
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^Error: cannot reach the API: host not found/);
    }
    expect(p.records).toEqual([]);
    expect(urls).toEqual([]);
  });

  it('a loopback host never goes through a proxy, whatever NO_PROXY says', async () => {
    const { emu, urls } = await emulator();
    const p = await proxy();
    for (const extra of <Record<string, string>[]>[{ HTTP_PROXY: p.url }, { http_proxy: p.url, NO_PROXY: 'example.com' }]) {
      const r = await runCli(['list', SVC, '-q'], env(emu.url, extra));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${TRIG}\n`);
    }
    expect(p.records).toEqual([]);
    expect(urls).toHaveLength(2);
  });

  it('with a proxy that cannot even be resolved, localhost and 127.0.0.1 are still reached, directly (built binary)', async () => {
    const { emu, urls } = await emulator();
    const proxies = { HTTP_PROXY: 'http://proxy.invalid:3128/', HTTPS_PROXY: 'http://proxy.invalid:3128/' };
    for (const host of ['127.0.0.1', 'localhost']) {
      const r = await spawnCli(['list', SVC, '-q'], env(`http://${host}:${new URL(emu.url).port}`, proxies));
      expect(r.stderr, host).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${TRIG}\n`);
    }
    expect(urls).toHaveLength(2);
  });
});

describe('credentials over plain http', () => {
  let proxy: FaultServer;
  let emu: RunningEmulator;
  afterEach(async () => {
    await Promise.all([proxy.close(), emu.close()]);
  });
  beforeEach(async () => {
    emu = await startEmulator({ seed: [webDemo()] });
    // A loopback HTTP proxy: the CLI sends requests for http://example.invalid/ to it, so no name is
    // ever resolved and nothing leaves the machine.
    proxy = await startFaultServer();
    proxy.route(
      'GET',
      `/api/app/v1/service/${SVC}/trigger/`,
      json(200, { meta: { limit: 25, offset: 0, next: null, total_count: 0 }, objects: [] }),
    );
  });

  /** A usage error (exit 2) refusing plain http: one Error line and a hint, no control characters, nothing on stdout. */
  function expectRefusal(r: Result, label = ''): void {
    expect(r.code, label).toBe(2);
    expect(r.stdout, label).toBe('');
    expectErrorLine(r, /^Error: refusing to send credentials over plain http to example\.invalid: anyone on the way could read them/);
    expect(r.stderr, label).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  }

  const remote = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...emulatorEnv(emu.url),
    DOCKERCLOUD_REST_HOST: 'http://example.invalid/',
    HTTP_PROXY: proxy.url,
    ...extra,
  });

  it('are refused to a host that is not loopback, with the reason and the way out; nothing is sent', async () => {
    for (const args of [
      ['list', SVC],
      ['create', SVC, '-n', 'x'],
      ['rm', SVC, T_DEPLOY],
      ['call', SVC, 'deploy-hook'],
    ]) {
      const r = await runCli(args, remote());
      expectRefusal(r, args.join(' '));
      expect(r.stderr).toMatch(/--insecure/);
    }
    expect(proxy.connections).toBe(0);
  });

  it('--insecure passes the check: the request goes out (through the loopback proxy) with the credentials', async () => {
    const r = await runCli(['--insecure', 'list', SVC], remote());
    expect(r.stderr).toBe(`no triggers in service ${SVC.slice(0, 8)}\n`);
    expect(r.code).toBe(0);
    // Plain http goes through the proxy as a forwarded request (absolute form), not a tunnel.
    expect(proxy.requests.map((q) => [q.method, q.url])).toEqual([['GET', `http://example.invalid${FIRST_PAGE}`]]);
    expect(proxy.requests[0].headers.host).toBe('example.invalid');
    expect(proxy.requests[0].headers.authorization).toBe(emu.auth);
  });

  it('DOCKERCLOUD_INSECURE=1 does the same; DOCKERCLOUD_INSECURE=0 does not', async () => {
    const yes = await runCli(['list', SVC], remote({ DOCKERCLOUD_INSECURE: '1' }));
    expect(yes.code).toBe(0);
    expect(proxy.requests.filter((q) => q.method === 'GET')).toHaveLength(1);
    const no = await runCli(['list', SVC], remote({ DOCKERCLOUD_INSECURE: '0' }));
    expectRefusal(no);
    expect(proxy.requests.filter((q) => q.method === 'GET')).toHaveLength(1);
  });

  it('loopback hosts (127.x, localhost, [::1]) are exempt', async () => {
    const port = new URL(emu.url).port;
    const r = await runCli(['list', 'web', '--host', `http://127.0.0.1:${port}/`], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deploy-hook');
    // The emulator listens on 127.0.0.1 only: these get past the check, then connect or are refused.
    for (const host of [`http://localhost:${port}/`, `http://[::1]:${port}/`, `http://127.0.0.2:${port}/`]) {
      const other = await runCli(['list', 'web', '--host', host, '--no-retry'], emulatorEnv(emu.url));
      expect([0, 5], `${host}: ${other.stderr}`).toContain(other.code);
      expect(other.stderr).not.toMatch(/refusing/);
    }
  });
});

describe('keep-alive: connections are kept for the run, at most 8 to a host', () => {
  it('130 triggers in 26 pages come over fewer connections than pages', async () => {
    const triggers = Array.from({ length: 130 }, (_, i) => ({
      uuid: `${(0x10000000 + i).toString(16)}-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `hook-${i}`,
    }));
    const { emu, urls, connections } = await emulator({ seed: [{ uuid: SVC, name: 'big', triggers }], maxPageSize: 5 });
    const r = await runCli(['list', SVC, '-q'], env(emu.url));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${triggers.map((t) => t.uuid).join('\n')}\n`);
    const pages = urls.filter((u) => u.startsWith(`GET ${LIST_PATH}`)).length;
    expect(pages).toBe(26);
    // Pages after the first are fetched several at a time over kept-alive connections.
    expect(connections()).toBeLessThan(pages);
  });

  it('pages followed one after another through meta.next all use one connection', async () => {
    const f = await fault();
    const all = Array.from({ length: 20 }, (_, i) =>
      trigger(`${(0x20000000 + i).toString(16)}-0000-4000-8000-${String(i).padStart(12, '0')}`, `h${i}`),
    );
    f.fallback((req, res, info) => {
      const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
      const next = offset + 2 < all.length ? `${LIST_PATH}?limit=2&offset=${offset + 2}` : null;
      // No total_count: the client has to follow `next`, one page at a time.
      return json(200, { meta: { limit: 2, offset, next, previous: null }, objects: all.slice(offset, offset + 2) })(req, res, info);
    });
    const r = await runCli(['list', SVC, '-q'], env(f.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(all.map((t) => t.uuid));
    expect(f.requests).toHaveLength(10);
    // One request at a time: each goes out on the connection the one before left free (node:http
    // frees it as the answer ends, before the next request is made).
    expect(f.connections).toBe(1);
  });
});

describe('request URLs', () => {
  it('query parameters are added to the path as the URL parser adds them, also to a path with a query or a fragment', () => {
    const api = new ApiClient({ host: 'http://127.0.0.1:9/', authorization: () => AUTH, userAgent: 't', timeoutMs: 1000, tries: 1 });
    const byParser = (path: string, query: Record<string, string | number>): string => {
      const url = new URL(path, 'http://127.0.0.1:9/');
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
      return url.href;
    };
    const query = { name: 'a b&c/é', limit: 25, offset: 50 };
    for (const path of ['/api/app/v1/service/', '/api/app/v1/service/?offset=0&x=1', '/api/app/v1/service/#top', 'http://127.0.0.1:9/p/']) {
      expect(api.url(path, query).href, path).toBe(byParser(path, query));
    }
    expect(api.url('/api/app/v1/service/', { name: undefined }).href).toBe('http://127.0.0.1:9/api/app/v1/service/');
  });
});

/** Whether this machine can listen on the IPv6 loopback address. */
async function ipv6Loopback(): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

if (await ipv6Loopback()) {
  describe('hosts (IPv6)', () => {
    it('an IPv6 address in brackets reaches the server at that address', async () => {
      const { emu, urls } = await emulator({ host: '::1' });
      expect(emu.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const r = await runCli(['list', 'web', '-q'], env(emu.url));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${TRIG}\n`);
      expect(urls).toHaveLength(2);
    });

    it('[::1] is loopback: never reached through a proxy', async () => {
      const { emu, urls } = await emulator({ host: '::1' });
      const p = await proxy();
      const r = await runCli(['list', SVC, '-q'], env(emu.url, { HTTP_PROXY: p.url }));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(p.records).toEqual([]);
      expect(urls).toEqual([`GET ${FIRST_PAGE}`]);
    });
  });
}

describe('a call body the server refuses (built binary)', () => {
  const BODY = Buffer.alloc(3.5 * 1024 * 1024, 0x61);
  const LIMIT_MESSAGE = 'Request body larger than 1048576 bytes';

  function bodyFile(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'trigger-body-')), 'body.bin');
    writeFileSync(file, BODY);
    return file;
  }

  it('refused from its headers (413) while the body would still be on its way: exit 1 with the limit; no byte of it was sent', async () => {
    const h = await startFaultServer();
    cleanups.push(() => h.close());
    let received = 0;
    h.route(
      'POST',
      CALL_PATH,
      onHeaders((req, res) => {
        req.on('data', (chunk: Buffer) => (received += chunk.length));
        const text = JSON.stringify({ error: LIMIT_MESSAGE });
        res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
        // Closed as soon as the answer is out, whatever of the body is still on its way.
        res.end(text, () => res.socket?.destroy());
      }),
    );
    const r = await spawnCli(['call', `${h.url}${CALL_PATH}`, '--data', `@${bodyFile()}`], env(h.url));
    expect(r.stderr).toBe(`Error: ${LIMIT_MESSAGE} (HTTP 413 from POST ${h.url}${MASKED_TRIG_PATH}call/)\n`);
    expect(r.code).toBe(1);
    expect(received).toBe(0);
    // The headers say the length, so that the server can refuse from them.
    expect(h.requests[0].headers).toMatchObject({ expect: '100-continue', 'content-length': String(BODY.length) });
  });

  it('the emulator, which refuses the body from its headers: exit 1 with its limit', async () => {
    const { emu } = await emulator();
    const r = await spawnCli(['call', `${emu.url}${CALL_PATH}`, '--data', `@${bodyFile()}`], env(emu.url));
    expect(r.stderr).toBe(`Error: ${LIMIT_MESSAGE} (HTTP 413 from POST ${emu.url}${MASKED_TRIG_PATH}call/)\n`);
    expect(r.code).toBe(1);
  });

  it('a server that never says 100 Continue still gets the whole body, after a short wait', async () => {
    const h = await startFaultServer();
    cleanups.push(() => h.close());
    // Answered once the body is in, which the client sends only when it has waited for the go-ahead in vain.
    h.route(
      'POST',
      CALL_PATH,
      onHeaders((req, res, seen) => {
        req.on('end', () => void json(202, {}, { 'x-dockercloud-action-uri': ACTION_URI })(req, res, seen));
      }),
    );
    const r = await runCli(['call', `${h.url}${CALL_PATH}`, '--data', `@${bodyFile()}`], env(h.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(h.requests[0].body.length).toBe(BODY.length);
  });
});

describe('TLS', () => {
  it('an https host that speaks plain http: exit 5, "does not speak TLS", the http URL suggested (built binary)', async () => {
    const f = await fault();
    const host = `https://127.0.0.1:${f.port}`;
    const r = await spawnCli(['list', SVC], env(host));
    expect(r.stderr).toBe(
      `Error: the server at 127.0.0.1:${f.port} does not speak TLS (GET ${host}${FIRST_PAGE}); did you mean http://127.0.0.1:${f.port}/?\n`,
    );
    expect(r.code).toBe(5);
  });
});

describe('the body cap', () => {
  it('an answer larger than the cap is an API error, not an out-of-memory', async () => {
    const f = await fault();
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024 * 1024, 0x20);
    f.fallback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': big.length });
      res.end(big);
    });
    const client = new ApiClient({
      host: `${f.url}/`,
      authorization: () => AUTH,
      userAgent: 'test',
      timeoutMs: 5000,
      tries: 1,
      env: {},
    });
    try {
      const err = await client.getPage(LIST_PATH).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as Error).message).toMatch(/larger than 10 MiB/);
    } finally {
      await client.close();
    }
  });
});

describe('proxies that fail are named as the proxy, and tried no more than any request (built binary)', () => {
  const REMOTE = 'api.test.invalid';
  const PASSWORD = registerSecret('proxy-password-3');
  const HINT = (variable: string): string =>
    `The proxy comes from ${variable}: check it, or unset it (NO_PROXY names the hosts reached without it).\n`;

  /**
   * A proxy on loopback that reads each request (a CONNECT, or one to forward) and answers it as
   * `answer` says: by closing the connection, or with that status.
   */
  async function scriptedProxy(answer: 'close' | number): Promise<{ url: string; connections: () => number }> {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.on('error', () => {});
      let head = '';
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        if (answer === 'close') socket.end();
        else
          socket.end(
            `HTTP/1.1 ${answer} Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`,
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
        }),
    );
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, connections: () => connections };
  }

  it('one that accepts and closes every connection: 3 connections for the 3 tries, not one after another until the time runs out', async () => {
    for (const [scheme, variable] of [
      ['https', 'HTTPS_PROXY'],
      ['http', 'HTTP_PROXY'],
    ] as const) {
      const proxy = await scriptedProxy('close');
      const host = `${scheme}://${REMOTE}`;
      const r = await spawnCli(['list', SVC, '--timeout', '5'], env(host, { [variable]: proxy.url, DOCKERCLOUD_INSECURE: '1' }));
      expect({ scheme, code: r.code, stderr: r.stderr, connections: proxy.connections() }).toEqual({
        scheme,
        code: 5,
        stderr: `Error: the proxy ${proxy.url} (from ${variable}) closed the connection (GET ${host}${FIRST_PAGE})\n${HINT(variable)}`,
        connections: 3,
      });
    }
  });

  it('one that refuses connections: named, without its user and password, with the variable that set it; no hint about the REST host', async () => {
    const port = await deadPort();
    const cases: [Record<string, string>, string][] = [
      [{ HTTPS_PROXY: `http://someone:${PASSWORD}@127.0.0.1:${port}/` }, 'HTTPS_PROXY'],
      [{ https_proxy: `http://127.0.0.1:${port}` }, 'https_proxy'],
      // https goes through HTTP_PROXY when HTTPS_PROXY is not set.
      [{ HTTP_PROXY: `http://127.0.0.1:${port}/` }, 'HTTP_PROXY'],
    ];
    for (const [proxies, variable] of cases) {
      const r = await spawnCli(['list', SVC, '--no-retry'], env(`https://${REMOTE}`, proxies));
      expect({ variable, code: r.code, stderr: r.stderr }).toEqual({
        variable,
        code: 5,
        stderr: `Error: cannot reach the proxy http://127.0.0.1:${port}/ (from ${variable}): connection refused (GET https://${REMOTE}${FIRST_PAGE})\n${HINT(variable)}`,
      });
    }
  });

  it('one that answers 407: it refused, said in words, for a tunnel and for a forwarded request alike; not tried again', async () => {
    for (const [scheme, variable] of [
      ['https', 'HTTPS_PROXY'],
      ['http', 'HTTP_PROXY'],
    ] as const) {
      const proxy = await scriptedProxy(407);
      const host = `${scheme}://${REMOTE}`;
      const r = await spawnCli(['list', SVC], env(host, { [variable]: proxy.url, DOCKERCLOUD_INSECURE: '1' }));
      expect({ scheme, code: r.code, stderr: r.stderr, connections: proxy.connections() }).toEqual({
        scheme,
        code: 5,
        stderr: `Error: the proxy ${proxy.url} (from ${variable}) refused: 407 Proxy Authentication Required (GET ${host}${FIRST_PAGE})\n${HINT(variable)}`,
        connections: 1,
      });
    }
  });
});

describe('plain http to a port that speaks TLS', () => {
  it('a server that answers with a TLS record: exit 5, "speaks TLS", the https URL suggested (built binary)', async () => {
    // What a TLS server sends to a client that does not speak TLS: an alert record (protocol_version).
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    const r = await spawnCli(['list', SVC], env(`http://${host}`));
    expect(r.stderr).toBe(
      `Error: the server at ${host} speaks TLS, not plain http (GET http://${host}${FIRST_PAGE}); did you mean https://${host}/?\n`,
    );
    expect(r.code).toBe(5);
  });
});
