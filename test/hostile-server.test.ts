// Bad answers from a server: HTML, broken or wrongly shaped JSON, truncated, endless, silent, reset,
// TLS failures, escape sequences in names. Each is a clear error naming the URL (and the status when
// there is one), exit 1 or 5, no stack trace, no hang. Then the secrets: trigger UUIDs masked in
// errors and debug lines, calls without credentials and without redirects. A scripted server on
// loopback only.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskUrl } from '../src/api/mask.js';
import { PAGE_SIZE } from '../src/api/paging.js';
import { b64 } from './helpers/account.js';
import { emulatorEnv, runCli, spawnCli, TRIGGER_BIN, type Result } from './helpers/cli.js';
import {
  endless,
  html,
  json,
  page,
  raw,
  redirect,
  resetMidBody,
  hang,
  startFaultServer,
  truncated,
  type FaultServerOptions,
  type FaultServer,
} from './helpers/fault-server.js';
import { T_DEPLOY, T_SCALE, WEB_DEMO } from './helpers/fixture.js';
import { registerSecret } from './helpers/secrets.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';

const SVC = WEB_DEMO;
const T1 = T_DEPLOY;
const T2 = T_SCALE;
const LIST = `/api/app/v1/service/${SVC}/trigger/`;
/** The list's first page, as the CLI asks for it. */
const FIRST_PAGE = `${LIST}?limit=${PAGE_SIZE}`;
const SERVICES = '/api/app/v1/service/';
const callPath = (svc: string, trig: string): string => `/api/app/v1/service/${svc}/trigger/${trig}/call/`;
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const servers: FaultServer[] = [];
const emulators: RunningEmulator[] = [];
const children: ChildProcess[] = [];
const tmpDirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all([...servers.splice(0).map((s) => s.close()), ...emulators.splice(0).map((e) => e.close())]);
});
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

async function hostile(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const s = await startFaultServer(opts);
  servers.push(s);
  return s;
}

const env = (s: { url: string }, extra: Record<string, string> = {}): Record<string, string> => emulatorEnv(s.url, extra);

function trigger(uuid: string, name: string, operation = 'REDEPLOY'): Record<string, string> {
  return { uuid, name, operation, url: callPath(SVC, uuid), resource_uri: `${LIST}${uuid}/` };
}

/** A failed run: exit code as given, one `Error:` line first naming `parts`, no stack, nothing on stdout. */
function expectFailure(r: Result, codes: number[], ...parts: (string | RegExp)[]): string {
  const first = r.stderr.split('\n')[0];
  expect(codes, r.stderr).toContain(r.code);
  expect(first).toMatch(/^Error: \S/);
  for (const p of parts) {
    if (typeof p === 'string') expect(first).toContain(p);
    else expect(first).toMatch(p);
  }
  expect(r.stderr.match(/^Error:/gm)).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(CONTROL);
  expect(r.stdout).toBe('');
  return first;
}

describe('bad answers from a server', () => {
  it("a proxy's HTML 502 page: exit 1 naming the status and the URL (the GET was retried, then given up)", async () => {
    const h = await hostile();
    h.route('GET', LIST, html(502));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], 'HTTP 502', `GET ${h.url}${FIRST_PAGE}`);
    expect(r.stderr).not.toContain('<html>');
    expect(h.requests).toHaveLength(3);
  });

  it('a 200 in text/html (a captive portal): not JSON, exit 1 naming the URL', async () => {
    const h = await hostile();
    h.route('GET', LIST, html(200, '<!doctype html><title>Sign in to the Wi-Fi</title>'));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], `unexpected answer from ${h.url}${FIRST_PAGE} (HTTP 200): the body is not JSON (text/html)`);
    expect(h.requests).toHaveLength(1);
  });

  it('malformed JSON: exit 1 naming the URL and the status', async () => {
    const h = await hostile();
    h.route('GET', LIST, raw(200, { 'content-type': 'application/json' }, '{"meta": {"next": null}, "objects": [{"uuid": '));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], `${h.url}${FIRST_PAGE} (HTTP 200): the body is not JSON (application/json)`);
  });

  it('a truncated body (Content-Length larger than what comes, then the end of the connection)', async () => {
    const h = await hostile();
    h.route('GET', LIST, truncated('{"meta": {"limit": 25, "offset": 0, "next": null}, "obj', 4096));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1, 5], `GET ${h.url}${FIRST_PAGE}`);
    expect(h.requests.length).toBeGreaterThanOrEqual(1);
    expect(h.requests.length).toBeLessThanOrEqual(3);
  });

  it('an empty 200: exit 1, the body is empty', async () => {
    const h = await hostile();
    h.route('GET', LIST, raw(200, { 'content-type': 'application/json' }, ''));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], `${h.url}${FIRST_PAGE} (HTTP 200): the body is empty`);
  });

  it('JSON of the wrong shape: objects without uuid, meta missing, objects not an array, a list for an object', async () => {
    const cases: [unknown, RegExp][] = [
      [page([{ name: 'no-uuid', operation: 'REDEPLOY' }]), /an object has no uuid/],
      [page([{ uuid: 42, name: 'number-uuid' }]), /an object has no uuid/],
      [{ objects: [] }, /"meta" is missing/],
      [{ meta: { next: null }, objects: { uuid: T1 } }, /"objects" is not an array/],
      [{ meta: { next: 7 }, objects: [] }, /"meta\.next" is not a path/],
      [[trigger(T1, 'x')], /"meta" is missing/],
      ['just a string', /expected a list/],
      [null, /expected a list/],
    ];
    for (const [body, why] of cases) {
      const h = await hostile();
      h.route('GET', LIST, json(200, body));
      const r = await runCli(['list', SVC], env(h));
      expectFailure(r, [1], `unexpected answer from ${h.url}${FIRST_PAGE} (HTTP 200)`, why);
    }
    // One object where one is expected: create and inspect.
    const h = await hostile();
    h.route('POST', LIST, json(201, { name: 'made', operation: 'REDEPLOY' }));
    h.route('GET', `${LIST}${T1}/`, json(200, [trigger(T1, 'x')]));
    const create = await runCli(['create', SVC, '-n', 'made', '--allow-duplicate'], env(h));
    expectFailure(create, [1], `unexpected answer from ${h.url}${LIST} (HTTP 201): expected an object with a uuid`);
    const inspect = await runCli(['inspect', SVC, T1], env(h));
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/^Error: unexpected answer from .*\(HTTP 200\): expected an object with a uuid/m);
    expect(inspect.stderr).not.toMatch(/^\s+at /m);
  });

  it('a list whose next page is itself (no total_count) stops and says so; few requests', async () => {
    const h = await hostile();
    h.route('GET', LIST, (_req, res) => {
      const body = JSON.stringify({
        meta: { limit: 1, offset: 0, next: `${LIST}?limit=1&offset=1`, previous: null },
        objects: [trigger(T1, 'again')],
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], /the API's pages do not end/, `${h.url}${LIST}?limit=1&offset=1 was reached twice`);
    expect(h.requests.length).toBeGreaterThanOrEqual(2);
    expect(h.requests.length).toBeLessThanOrEqual(4);
  });

  it('a cycle of two pages is bounded too', async () => {
    const h = await hostile();
    h.route('GET', LIST, (req, res) => {
      const at = new URL(req.url!, 'http://x').searchParams.get('offset');
      const offset = at === '1' ? '2' : '1';
      // Each page its own trigger: the cycle, not a trigger listed twice, is what stops the list.
      const uuid = at === '1' ? T2 : at === '2' ? '6a6a6a6a-0000-4000-8000-00000000000c' : T1;
      const body = JSON.stringify({
        meta: { limit: 1, offset: 0, next: `${LIST}?limit=1&offset=${offset}` },
        objects: [trigger(uuid, 'loop')],
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    const r = await runCli(['list', SVC, '-q'], env(h));
    expectFailure(r, [1], /the API's pages do not end/);
    expect(h.requests.length).toBeLessThanOrEqual(5);
  });

  it('a total_count far beyond any real list is refused, not paged: exit 1 after one request', async () => {
    const h = await hostile();
    h.route('GET', LIST, json(200, page([trigger(T1, 'one')], { limit: 1, next: `${LIST}?limit=1&offset=1`, total_count: 1e9 })));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], /the API claims 1000000000 objects/);
    expect(h.requests).toHaveLength(1);
  });

  it('a negative total_count is not a count: `next` is followed, and a `next` that loops says so, naming the value', async () => {
    const h = await hostile();
    h.route('GET', LIST, json(200, page([trigger(T1, 'one')], { limit: 1, next: `${LIST}?limit=1&offset=1`, total_count: -5 })));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], `the API's pages do not end: ${h.url}${LIST}?limit=1&offset=1 was reached twice; stopped after 2 pages`);
    expect(r.stderr.split('\n')[1]).toBe("The first page's meta.total_count is -5, not a count: its pages were followed by meta.next.");
    expect(h.requests).toHaveLength(2);
  });

  it('an answer nested 200,000 levels deep: exit 1, refused as too deep, no stack overflow (built binary)', async () => {
    const depth = 200_000;
    const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const body = JSON.stringify(page([trigger(T1, 'deep')])).replace('"name":"deep"', `"name":"deep","extra":${deep}`);
    const h = await hostile();
    h.route('GET', LIST, raw(200, { 'content-type': 'application/json' }, body));
    h.route('GET', `${LIST}${T1}/`, raw(200, { 'content-type': 'application/json' }, `[${'['.repeat(depth)}${']'.repeat(depth)}]`));
    for (const args of [
      ['list', SVC, '--json'],
      ['list', SVC],
      ['inspect', SVC, T1],
    ]) {
      const r = await spawnCli(args, env(h));
      const path = args[0] === 'inspect' ? `${LIST}${T1.slice(0, 4)}…/` : FIRST_PAGE;
      if (args[0] === 'inspect') {
        // inspect goes on past a trigger that fails, and reports it after the (empty) array.
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(`Error: unexpected answer from ${h.url}${path} (HTTP 200): nested deeper than 256 levels`);
        expect(r.stderr).not.toMatch(/call stack/i);
      } else {
        expectFailure(r, [1], `unexpected answer from ${h.url}${path} (HTTP 200): nested deeper than 256 levels`);
      }
    }
  });

  it('an answer nested 200 levels deep is still read', async () => {
    const nested = `${'['.repeat(200)}${']'.repeat(200)}`;
    const body = JSON.stringify(page([trigger(T1, 'nested')])).replace('"name":"nested"', `"name":"nested","extra":${nested}`);
    const h = await hostile();
    h.route('GET', LIST, raw(200, { 'content-type': 'application/json' }, body));
    const r = await runCli(['list', SVC, '--json'], env(h));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].name).toBe('nested');
  });

  it('an enormous body (streamed without a length): the client stops reading past 10 MiB and says so', async () => {
    const h = await hostile();
    const { answer, stats } = endless(64 * 1024 * 1024);
    h.route('GET', LIST, answer);
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], `the answer from ${h.url}${FIRST_PAGE} is larger than 10 MiB; stopped reading`);
    await stats.done;
    expect(stats.ended).toBe('client-closed');
    expect(stats.bytes).toBeLessThan(64 * 1024 * 1024);
    expect(stats.bytes).toBeGreaterThan(10 * 1024 * 1024 - 128 * 1024);
    expect(h.requests).toHaveLength(1);
  });

  it('a server that accepts and never answers, with --timeout 1: exit 5 naming the URL (built binary)', async () => {
    const h = await hostile();
    h.route('GET', LIST, hang());
    const r = await spawnCli(['list', SVC, '--timeout', '1'], env(h));
    expectFailure(r, [5], `timed out after 1 s waiting for GET ${h.url}${FIRST_PAGE}`);
    expect(r.stderr).toMatch(/--timeout/);
    expect(h.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('a connection reset in the middle of the body: exit 5 naming the URL', async () => {
    const h = await hostile();
    h.route('GET', LIST, resetMidBody());
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [5], /connection reset by the server/, `GET ${h.url}${FIRST_PAGE}`);
  });

  it('a 4xx whose error text holds escape sequences: they never reach the terminal', async () => {
    const h = await hostile();
    h.route('GET', LIST, json(400, { error: 'bad\u001b]0;pwned\u0007 \u001b[31mrequest\u009b2J' }));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1], /pwned/, `(HTTP 400 from GET ${h.url}${FIRST_PAGE})`);
  });

  it(
    'a proxy that drops the CONNECT without an answer: --timeout 1 ends the run with exit 5 (built binary)',
    { timeout: 6_000 },
    async () => {
      const proxy = await hostile({ connect: 'drop' });
      const child = spawn(process.execPath, [TRIGGER_BIN, 'list', SVC, '--timeout', '1', '--no-retry'], {
        // https goes through a proxy in a CONNECT tunnel, which this proxy drops.
        env: { PATH: process.env.PATH, ...env({ url: 'https://example.invalid' }), HTTPS_PROXY: proxy.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code, `stderr: ${stderr}; CONNECTs received: ${proxy.requests.length}`).toBe(5);
      expect(stderr).toMatch(/^Error: /);
    },
  );
});

/** A self-signed certificate for 127.0.0.1 made with openssl, or undefined when openssl cannot make one. */
function selfSigned(): { key: Buffer; cert: Buffer; certFile: string } | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const d = mkdtempSync(join(tmpdir(), 'trigger-tls-'));
  tmpDirs.push(d);
  try {
    // -addext needs OpenSSL 1.1.1 or later.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(d, 'k'),
        '-out',
        join(d, 'c'),
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(join(d, 'k')), cert: readFileSync(join(d, 'c')), certFile: join(d, 'c') };
}

const TLS = selfSigned();
if (TLS) {
  describe('TLS', () => {
    it('a self-signed certificate: exit 5 with a TLS message naming the URL; nothing is sent (built binary)', async () => {
      const h = await hostile({ tls: TLS });
      h.route('GET', LIST, json(200, page([])));
      const r = await spawnCli(['list', SVC], env(h));
      expectFailure(r, [5], /TLS failure \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/, `GET ${h.url}${FIRST_PAGE}`);
      expect(h.connections).toBeGreaterThanOrEqual(1);
      expect(h.requests).toHaveLength(0);
    });

    it('the same certificate trusted through NODE_EXTRA_CA_CERTS: the list comes over TLS (built binary)', async () => {
      const h = await hostile({ tls: TLS });
      h.route('GET', LIST, json(200, page([trigger(T1, 'deploy-hook')])));
      const r = await spawnCli(['list', SVC, '--format', '{{.name}}'], { ...env(h), NODE_EXTRA_CA_CERTS: TLS.certFile });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('deploy-hook\n');
      expect(h.url).toMatch(/^https:/);
      expect(h.requests.map((q) => q.url)).toEqual([FIRST_PAGE]);
    });
  });
}

describe('escape sequences and invalid UTF-8 in what the server sends', () => {
  const ESCAPED = 'evil\u001b]0;pwned\u0007name';
  const RED = '\u001b[31mred\u001b[0m';
  const CSI = 'c1\u009b2Jclear';

  /** A triggers page where one name holds the bytes ff fe c3 28 (not UTF-8). */
  function hostilePage(): Buffer {
    const text = JSON.stringify(
      page([
        trigger(T1, ESCAPED),
        trigger(T2, RED),
        trigger('7c7c7c7c-0000-4000-8000-00000000000c', CSI),
        trigger('7d7d7d7d-0000-4000-8000-00000000000d', 'bytes-@@-x'),
      ]),
    );
    const [before, after] = text.split('@@');
    return Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(after)]);
  }

  async function server(): Promise<FaultServer> {
    const h = await hostile();
    h.route('GET', LIST, raw(200, { 'content-type': 'application/json' }, hostilePage()));
    h.route('GET', SERVICES, json(200, page([{ uuid: SVC, name: 'svc\u001b]2;owned\u0007', resource_uri: `${SERVICES}${SVC}/` }])));
    return h;
  }

  // The CLI's own styling (bold headers, a dimmed operation, when colour is on) is the only escape sequence allowed.
  const withoutOwnStyle = (text: string): string => text.replaceAll(/\u001b\[(1|2|22)m/g, '');

  it('the table on a terminal holds no ESC, BEL or other control characters; the names still show', async () => {
    const h = await server();
    const plain = await runCli(['list', SVC, '--no-trunc', '--no-color'], env(h), { tty: true, columns: 200 });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(CONTROL);
    expect(plain.stdout).toContain('evil\uFFFD]0;pwned\uFFFDname');
    expect(plain.stdout).toContain('c1\uFFFD2Jclear');
    expect(plain.stdout).toContain('bytes-\uFFFD\uFFFD\uFFFD(-x');
    expect(plain.stdout).toContain(T1);
    const coloured = await runCli(['list', SVC], env(h), { tty: true, columns: 100 });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('\u001b[1mUUID\u001b[22m');
    expect(withoutOwnStyle(coloured.stdout)).not.toMatch(CONTROL);
  });

  it('the table of every service (SERVICE column) and a --format template on a terminal are clean too', async () => {
    const h = await server();
    const all = await runCli(['list'], env(h), { tty: true, columns: 200 });
    expect(all.code).toBe(0);
    expect(withoutOwnStyle(all.stdout)).not.toMatch(CONTROL);
    expect(all.stdout).toContain('svc\uFFFD]2;owned\uFFFD');
    for (const format of ['{{.name}}', 'table {{.name}}\t{{.uuid}}']) {
      const template = await runCli(['list', SVC, '--format', format], env(h), { tty: true });
      expect(template.code).toBe(0);
      expect(template.stdout).toContain('pwned');
      expect(withoutOwnStyle(template.stdout)).not.toMatch(CONTROL);
    }
  });

  it('--json is valid JSON and keeps the names as data (escaped, not raw)', async () => {
    const h = await server();
    const r = await runCli(['list', SVC, '--json'], env(h), { tty: true });
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { uuid: string; name: string }[];
    expect(parsed.map((t) => t.name)).toEqual([ESCAPED, RED, CSI, 'bytes-\uFFFD\uFFFD\uFFFD(-x']);
    expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
  });

  it('-q on a terminal prints no escape sequence even when the server puts one in a uuid: that answer is refused, exit 1', async () => {
    const h = await hostile();
    h.route('GET', LIST, json(200, page([{ ...trigger(T1, 'x'), uuid: `${T1}\u001b]0;pwned\u0007` }])));
    const r = await runCli(['list', SVC, '-q'], env(h), { tty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stdout).not.toMatch(CONTROL);
    // The red of its own `Error:` is the only escape sequence on stderr.
    expect(r.stderr.replace('\u001b[31mError:\u001b[39m', 'Error:')).toBe(
      `Error: unexpected answer from ${h.url}${FIRST_PAGE} (HTTP 200): an object's uuid is not a UUID\n`,
    );
  });
});

describe('secrets stay out of errors and debug lines', () => {
  const SECRET_T = registerSecret('5ec7e700-0000-4000-8000-0000000000aa');
  const SECRET_T2 = registerSecret('5ec7e701-0000-4000-8000-0000000000bb');

  it('a trigger call answered 500 (call by names): the error names the masked URL, never the full trigger UUID', async () => {
    const h = await hostile();
    h.route('GET', LIST, json(200, page([trigger(SECRET_T, 'my-hook')])));
    h.route('POST', callPath(SVC, SECRET_T), json(500, { error: 'internal failure' }));
    for (const extra of [[], ['--debug']]) {
      const r = await runCli(['call', SVC, 'my-hook', ...extra], env(h));
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').find((l) => l.startsWith('Error: '))).toBe(
        `Error: internal failure (HTTP 500 from POST ${h.url}/api/app/v1/service/${SVC}/trigger/${SECRET_T.slice(0, 4)}…/call/)`,
      );
      expect(r.stderr).not.toContain(SECRET_T);
      expect(r.stdout).not.toContain(SECRET_T);
      if (extra.length) expect(r.stderr).toMatch(/^\[debug\] > POST /m);
    }
    expect(h.requests.filter((q) => q.method === 'POST')).toHaveLength(2);
  });

  it('a call by URL answered 500, 502 or a reset: no full trigger UUID in the error', async () => {
    const h = await hostile();
    const answers = [json(500, { error: 'x' }), html(502), resetMidBody('{"uu')];
    let current = answers[0];
    h.route('POST', callPath(SVC, SECRET_T2), (req, res, seen) => current(req, res, seen));
    for (const answer of answers) {
      current = answer;
      const r = await runCli(['call', `${h.url}${callPath(SVC, SECRET_T2)}`], env(h));
      expectFailure(r, [1, 5], /\/trigger\/5ec7…\/call\//);
      expect(r.stderr).not.toContain(SECRET_T2);
    }
    expect(h.requests).toHaveLength(3);
  });

  it('a call answered with a redirect (307, 308) is not followed: the other server gets nothing', async () => {
    // The other server expects nothing: a request there would be unexpected, and fail the test.
    const other = await hostile();
    for (const status of [307, 308]) {
      const h = await hostile();
      h.route('GET', LIST, json(200, page([trigger(SECRET_T, 'my-hook')])));
      h.route('POST', callPath(SVC, SECRET_T), redirect(status, `${other.url}${callPath(SVC, SECRET_T)}`));
      const r = await runCli(['call', SVC, 'my-hook'], env(h));
      expectFailure(
        r,
        [1],
        `POST ${h.url}/api/app/v1/service/${SVC}/trigger/5ec7…/call/ answered a redirect (HTTP ${status}), which is not followed`,
      );
      const call = h.requests.find((q) => q.method === 'POST')!;
      expect(call.headers.authorization).toBeUndefined();
      expect(h.requests.find((q) => q.method === 'GET')!.headers.authorization).toBeDefined();
    }
    expect(other.connections).toBe(0);
    expect(other.requests).toHaveLength(0);
  });
});

describe("a URL's user and password never reach a message", () => {
  const PASSWORD = registerSecret('pw-in-a-redirect-7');

  it('a redirect to the same host with user:password@: the error and the debug lines name the URL without them', async () => {
    const h = await hostile();
    h.route('GET', LIST, redirect(302, `http://someone:${PASSWORD}@127.0.0.1:${h.port}/landed/`));
    h.route('GET', '/landed/', json(500, { error: 'down' }));
    const r = await runCli(['list', SVC, '--debug', '--no-retry'], env(h));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: down (HTTP 500 from GET ${h.url}/landed/)\n`);
    expect(r.stderr).toContain(`[debug] > GET ${h.url}/landed/ [Authorization: ***]\n`);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.stderr).not.toContain('someone');
  });

  it('maskUrl drops them from any URL, parsable or not', () => {
    expect(maskUrl(`https://someone:${PASSWORD}@example.com/a/`)).toBe('https://example.com/a/');
    expect(maskUrl(`ftp://a@b:${PASSWORD}@example.com:21`)).toBe('ftp://example.com:21');
    expect(maskUrl('http://example.com/a@b/')).toBe('http://example.com/a@b/');
  });
});

describe('trigger UUID prefixes are cut as whole UUIDs are: 4 characters in URLs, 8 in messages (built binary)', () => {
  const SECRET = registerSecret('5ec4e7a1-9b3c-4d2e-8f10-a2b4c6d8e0f2');
  const PREFIX = SECRET.slice(0, 35);
  const DASHLESS = SECRET.replaceAll('-', '');
  const WORKER = '4e4e4e4e-0000-4000-8000-000000000002';

  /** Whether `text` holds more of the trigger's UUID than its first `allowed` characters: any 9 characters of it. */
  const leaks = (text: string): boolean =>
    Array.from({ length: SECRET.length - 8 }, (_, i) => SECRET.slice(i, i + 9)).some((w) => text.includes(w));

  async function api(): Promise<RunningEmulator> {
    const emu = await startEmulator({
      seed: [
        { uuid: SVC, name: 'web', stack: null, triggers: [{ uuid: SECRET, name: 'deploy-hook' }] },
        { uuid: WORKER, name: 'worker', stack: null },
      ],
    });
    emulators.push(emu);
    return emu;
  }

  it('--debug call with 35 characters of the UUID: the lookup URL shows 4 of them', async () => {
    const emu = await api();
    const r = await spawnCli(['--debug', 'call', 'web', PREFIX], env(emu));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`/trigger/?uuid__startswith=${SECRET.slice(0, 4)}…&limit=10 [Authorization: ***]\n`);
    expect(leaks(r.stderr + r.stdout)).toBe(false);
  });

  it('inspect of a prefix in the wrong service, or of the UUID without dashes: the message shows 8 characters, the debug lines 4', async () => {
    const emu = await api();
    const wrong = await spawnCli(['inspect', 'worker', PREFIX], env(emu));
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain(`Error: cannot find a trigger with the identifier '${SECRET.slice(0, 8)}…' in service worker\n`);
    const dashless = await spawnCli(['inspect', 'web', DASHLESS, '--debug'], env(emu));
    expect(dashless.code).toBe(4);
    expect(dashless.stderr).toContain(`Error: cannot find a trigger with the identifier '${DASHLESS.slice(0, 8)}…' in service web\n`);
    expect(dashless.stderr).toContain(`/trigger/?name=${DASHLESS.slice(0, 4)}…&limit=10 [Authorization: ***]\n`);
    for (const r of [wrong, dashless]) {
      expect(leaks(r.stderr + r.stdout)).toBe(false);
      expect(r.stderr + r.stdout).not.toContain(DASHLESS.slice(0, 9));
    }
  });
});

describe("the run's credentials never come back in a message, whatever the server echoes (built binary)", () => {
  const KEY = 'demo-apikey';
  const TOKEN = b64('demo', KEY);

  it('a 401 whose error repeats the Authorization value, its token, the user:key pair or the key: each shows as ***', async () => {
    const h = await hostile();
    const echoes = [(auth: string) => `auth was ${auth}`, () => `token ${TOKEN}`, () => `pair demo:${KEY}.`, () => `key=${KEY}`];
    let echo = echoes[0];
    h.route('GET', LIST, (req, res, seen) => json(401, { error: echo(String(req.headers.authorization)) })(req, res, seen));
    const shown: string[] = [];
    for (const e of echoes) {
      echo = e;
      const r = await spawnCli(['list', SVC], env(h));
      expect(r.code).toBe(3);
      expect(r.stderr).not.toContain(KEY);
      expect(r.stderr).not.toContain(TOKEN);
      shown.push(r.stderr.split('\n')[0]);
    }
    const from = `(HTTP 401 from GET ${h.url}${FIRST_PAGE})`;
    expect(shown).toEqual([
      `Error: the API refused the credentials: auth was *** ${from}`,
      `Error: the API refused the credentials: token *** ${from}`,
      `Error: the API refused the credentials: pair ***. ${from}`,
      `Error: the API refused the credentials: key=*** ${from}`,
    ]);
  });

  it('login: the key being checked is never repeated either', async () => {
    const h = await hostile();
    const key = registerSecret('a-key-typed-at-login');
    h.route('GET', SERVICES, (req, res, seen) => json(500, { error: `saw ${req.headers.authorization} for ${key}` })(req, res, seen));
    const home = env(h);
    delete home.DOCKERCLOUD_USER;
    delete home.DOCKERCLOUD_APIKEY;
    const r = await spawnCli(['login', '--username', 'someone', '--password-stdin', '--no-retry'], home, key);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: saw *** for *** (HTTP 500 from GET ${h.url}${SERVICES}?limit=1)\n`);
  });
});

describe('what the server names is repeated with care', () => {
  it('a Content-Type of 5 KB: the error shows its first 60 characters', async () => {
    const h = await hostile();
    const type = `text/${'x'.repeat(5000)}`;
    h.route('GET', LIST, raw(200, { 'content-type': `${type}; charset=utf-8` }, 'not json'));
    const r = await runCli(['list', SVC], env(h));
    expectFailure(r, [1]);
    expect(r.stderr.split('\n')[0]).toBe(
      `Error: unexpected answer from ${h.url}${FIRST_PAGE} (HTTP 200): the body is not JSON (${type.slice(0, 60)}…)`,
    );
  });

  it('a meta.next or an action URI that is not http(s) (file:, javascript:, data:): exit 1 saying so, nothing requested', async () => {
    const ACTION_URIS = ['javascript:alert(1)', 'file:///etc/passwd'];
    for (const next of ['file:///etc/passwd', 'javascript:alert(1)', 'data:application/json,{}']) {
      const h = await hostile();
      h.route('GET', LIST, json(200, { meta: { limit: 1, offset: 0, next }, objects: [trigger(T1, 'one')] }));
      const r = await runCli(['list', SVC], env(h));
      const scheme = `${next.split(':')[0]}:`;
      expectFailure(r, [1], `the API named a URL that is not http(s) (${scheme}), which is never requested`);
      expect(h.requests).toHaveLength(1);
    }
    for (const uri of ACTION_URIS) {
      const h = await hostile();
      h.route('POST', callPath(SVC, T1), json(202, {}, { 'x-dockercloud-action-uri': uri }));
      const r = await runCli(['call', `${h.url}${callPath(SVC, T1)}`, '--wait'], env(h));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Error: the API named a URL that is not http(s) (${uri.split(':')[0]}:), which is never requested\n`);
      expect(h.requests.map((q) => q.method)).toEqual(['POST']);
    }
  });
});
