// What the server chose never drives the terminal and never breaks the output: a hostile API whose
// every string holds escape sequences (C0, DEL, C1), fields that are null, numbers or objects, and a
// value nested 50,000 levels deep. Every table, template, message and JSON output of every command is
// checked: control characters neutralised in text, escaped in JSON (which stays valid and exact).
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionPath, triggerCallPath, triggerPath, triggersPath } from '../src/api/paths.js';
import type { Trigger } from '../src/api/types.js';
import { jsonText } from '../src/output/json.js';
import { outputSpec, printTriggers } from '../src/output/render.js';
import { emulatorEnv, memoryIO, runCli, type Result } from './helpers/cli.js';
import { json, page, raw, startFaultServer, type FaultServer } from './helpers/fault-server.js';

// Anything but a line break: C0, DEL, C1.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const SVC = '5a5a5a5a-0000-4000-8000-000000000001';
const T_EVIL = '5b5b5b5b-0000-4000-8000-00000000000a';
const T_TWIN_A = 'abab0001-0000-4000-8000-00000000000b';
const T_TWIN_B = 'abab0002-0000-4000-8000-00000000000c';
const ACTION = '5c5c5c5c-0000-4000-8000-00000000000d';
const SERVICES = '/api/app/v1/service/';

const EVIL = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u007f';
const service = {
  uuid: SVC,
  resource_uri: `${SERVICES}${SVC}/`,
  name: `web${EVIL}`,
  image_name: 'x',
  state: `Running${EVIL}`,
  stack: null,
};

function trigger(uuid: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { uuid, url: triggerCallPath(SVC, uuid), resource_uri: `${triggerPath(SVC, uuid)}\u007f\u0085`, ...fields };
}

const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An API with one service whose triggers are `triggers`: lists filtered by name and UUID prefix, a call, an action. */
async function api(triggers: Record<string, unknown>[], serviceFields: Record<string, unknown> = {}): Promise<FaultServer> {
  const s = await startFaultServer();
  servers.push(s);
  const svc = { ...service, ...serviceFields };
  s.route('GET', SERVICES, (req, res, seen) => {
    const q = new URL(req.url!, 'http://x').searchParams;
    // A content type with a C1 control in it, as a latin-1 header byte carries it.
    if (q.get('name') === 'broken') return raw(200, { 'content-type': 'text/\u009b2Jhtml' }, '<html>')(req, res, seen);
    return json(200, page([svc]))(req, res, seen);
  });
  s.route('GET', triggersPath(SVC), (req, res, seen) => {
    const q = new URL(req.url!, 'http://x').searchParams;
    const name = q.get('name');
    const prefix = q.get('uuid__startswith');
    const found = triggers.filter(
      (t) => (name === null || t.name === name || name === 'deploy') && (prefix === null || (t.uuid as string).startsWith(prefix)),
    );
    return json(200, page(name === 'deploy' ? found.slice(0, 1) : found))(req, res, seen);
  });
  for (const t of triggers) {
    const uuid = t.uuid as string;
    s.route('GET', triggerPath(SVC, uuid), json(200, t));
    s.route('DELETE', triggerPath(SVC, uuid), json(500, { error: `database${EVIL} is locked` }));
    s.route('POST', triggerCallPath(SVC, uuid), (_req: IncomingMessage, res: ServerResponse) => {
      const body = JSON.stringify({ detail: `queued${EVIL}` });
      res.writeHead(202, { 'content-type': 'application/json', 'x-dockercloud-action-uri': `${actionPath(ACTION)}\u009b2J` });
      res.end(body);
    });
  }
  s.route('POST', triggersPath(SVC), json(201, triggers[0]));
  s.route(
    'GET',
    /^\/api\/audit\/v1\/action\//,
    json(200, {
      uuid: ACTION,
      resource_uri: actionPath(ACTION),
      action: `Redeploy${EVIL}`,
      state: `Failed${EVIL}`,
      method: 'POST',
      object: '',
      start_date: '',
      end_date: null,
    }),
  );
  return s;
}

const hostileTriggers = [
  trigger(T_EVIL, { name: `deploy${EVIL}`, operation: `REDEPLOY${EVIL}` }),
  trigger(T_TWIN_A, { name: `twin${EVIL}a`, operation: 'REDEPLOY' }),
  trigger(T_TWIN_B, { name: `twin${EVIL}b`, operation: 'SCALEUP' }),
];

const run = (s: FaultServer, args: string[]): Promise<Result> => runCli(args, emulatorEnv(s.url));

function expectClean(args: string[], r: Result): void {
  expect({ args, stdout: CONTROL.test(r.stdout), stderr: CONTROL.test(r.stderr) }).toEqual({ args, stdout: false, stderr: false });
  expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m);
}

describe('text from a hostile server', () => {
  it('tables and templates of list, inspect and create show it neutralised', async () => {
    const s = await api(hostileTriggers);
    for (const args of [
      ['list', 'web'],
      ['list'],
      ['list', 'web', '--format', '{{.name}} {{.operation}} {{.resource_uri}}'],
      ['list', 'web', '--format', 'table {{.name}}\\t{{.operation}}'],
      ['list', '--format', '{{.service}}'],
      ['inspect', 'web', T_EVIL, '--format', '{{.name}}'],
      ['create', 'web', '-n', 'x'],
    ]) {
      const r = await run(s, args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expectClean(args, r);
    }
  });

  it('messages: call summaries, call errors, API errors, the action, ambiguity lists, odd answers', async () => {
    const s = await api(hostileTriggers);
    const cases: [string[], number][] = [
      [['call', 'web', 'deploy'], 0],
      [['call', 'web', 'deploy', '--scale', '2'], 2],
      [['call', 'web', 'deploy', '--wait'], 1],
      [['rm', 'web', T_EVIL], 1],
      [['inspect', 'web', 'abab'], 4],
      [['list', 'broken'], 1],
    ];
    for (const [args, code] of cases) {
      const r = await run(s, args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expectClean(args, r);
    }
    const called = await run(s, ['call', 'web', 'deploy']);
    expect(called.stdout).toBe(
      `Triggered deploy\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFD31m\uFFFD (REDEPLOY\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFD31m\uFFFD) on web\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFD31m\uFFFD\nAction: ${actionPath(ACTION)}\uFFFD2J\n`,
    );
    // The hint keeps one line per candidate.
    const ambiguous = await run(s, ['inspect', 'web', 'abab']);
    const hint = ambiguous.stderr.split('\n').filter((l) => l.startsWith('  '));
    expect(hint).toEqual([
      `  ${T_TWIN_A.slice(0, 8)}  twin\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFD31m\uFFFDa`,
      `  ${T_TWIN_B.slice(0, 8)}  twin\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFD31m\uFFFDb`,
    ]);
  });

  it("a stack's name: the SERVICE column, the services table, and messages that name the service show it neutralised", async () => {
    const STACK = '5d5d5d5d-0000-4000-8000-00000000000e';
    const s = await api(hostileTriggers, { stack: `/api/app/v1/stack/${STACK}/` });
    s.route(
      'GET',
      `/api/app/v1/stack/${STACK}/`,
      json(200, { uuid: STACK, resource_uri: `/api/app/v1/stack/${STACK}/`, name: `demo${EVIL}` }),
    );
    for (const [args, code] of [
      [['list'], 0],
      [['services'], 0],
      [['services', '--format', '{{.stack}}'], 0],
      [['call', 'web', 'deploy'], 0],
      [['inspect', 'web', 'abab'], 4],
    ] as [string[], number][]) {
      const r = await run(s, args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expectClean(args, r);
    }
    const called = await run(s, ['call', 'web', 'deploy']);
    expect(called.stdout.split('\n')[0]).toMatch(/ on web\uFFFD.*\.demo\uFFFD]0;owned\uFFFD\uFFFD\[2J\uFFFD31m\uFFFD$/);
    const services = await run(s, ['services', '--json', 'stack']);
    expect(JSON.parse(services.stdout)).toEqual([{ stack: `demo${EVIL}` }]);
  });

  it('JSON outputs escape DEL and C1 as \\u007f…\\u009f and stay exact: list --json, inspect, {{json}}, call --json', async () => {
    const s = await api(hostileTriggers);
    const list = await run(s, ['list', 'web', '--json']);
    expectClean(['list --json'], list);
    expect(list.stdout).toContain('\\u009b31m\\u007f');
    expect(JSON.parse(list.stdout)).toEqual(hostileTriggers);
    const inspect = await run(s, ['inspect', 'web', T_EVIL]);
    expectClean(['inspect'], inspect);
    expect(JSON.parse(inspect.stdout)).toEqual([hostileTriggers[0]]);
    const whole = await run(s, ['list', 'web', '--format', '{{json .}}']);
    expectClean(['{{json .}}'], whole);
    expect(
      whole.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(hostileTriggers);
    const names = await run(s, ['list', 'web', '--format', '{{json .name}}']);
    expectClean(['{{json .name}}'], names);
    expect(
      names.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(hostileTriggers.map((t) => t.name));
    const called = await run(s, ['call', 'web', 'deploy', '--json']);
    expectClean(['call --json'], called);
    expect(JSON.parse(called.stdout)).toEqual({
      status: 202,
      action_uri: `${actionPath(ACTION)}\u009b2J`,
      body: { detail: `queued${EVIL}` },
    });
  });
});

describe('fields that are not strings', () => {
  const odd = [
    trigger('6a6a6a6a-0000-4000-8000-00000000000a', { name: null, operation: 'REDEPLOY' }),
    trigger('6b6b6b6b-0000-4000-8000-00000000000b', { name: 42, operation: null }),
    trigger('6c6c6c6c-0000-4000-8000-00000000000c', { name: { a: [1, '\u009b'] }, operation: ['SCALEUP'] }),
    trigger('6d6d6d6d-0000-4000-8000-00000000000d', { name: 'plain', operation: 'REDEPLOY', url: 17 }),
  ];
  const cells = [
    ['null', 'REDEPLOY'],
    ['42', 'null'],
    ['{"a":[1,"\\u009b"]}', '["SCALEUP"]'],
    ['plain', 'REDEPLOY'],
  ];

  it('show as their JSON text in tables, aligned', async () => {
    const s = await api(odd, { name: 7 });
    const r = await run(s, ['list', 'web']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const [nameAt, opAt, urlAt] = ['NAME', 'OPERATION', 'URL'].map((h) => lines[0].indexOf(h));
    lines.slice(1).forEach((line, i) => {
      expect(line.slice(nameAt, opAt).trimEnd()).toBe(cells[i][0]);
      expect(line.slice(opAt, urlAt).trimEnd()).toBe(cells[i][1]);
    });
    expect(lines[4].slice(urlAt)).toBe('17');
    const all = await run(s, ['list', '--no-header']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^7 {3}6a6a6a6a {3}null /);
  });

  it('show as their JSON text in templates, plain and table', async () => {
    const s = await api(odd);
    const plain = await run(s, ['list', 'web', '--format', '{{.name}}|{{.operation}}']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(cells.map((c) => `${c.join('|')}\n`).join(''));
    const table = await run(s, ['list', 'web', '--format', 'table {{.name}}\\t{{.operation}}', '--no-header']);
    expect(table.code).toBe(0);
    expect(
      table.stdout
        .split('\n')
        .slice(0, 4)
        .map((l) => l.split(/ {3,}/)),
    ).toEqual(cells);
  });
});

describe('a value nested 50,000 levels deep (JSON.stringify overflows its stack near 5,000)', () => {
  const DEPTH = 50_000;
  const deepText = `${'['.repeat(DEPTH)}"\u009b"${']'.repeat(DEPTH)}`;
  const deep = JSON.parse(deepText) as unknown;
  const escaped = deepText.replace('\u009b', '\\u009b');
  const t = { ...trigger(T_EVIL, { name: deep, operation: 'REDEPLOY' }) } as unknown as Trigger;

  it('is written whole as JSON, on one line or laid out as JSON.stringify lays out what it can', () => {
    expect(jsonText(deep)).toBe(escaped);
    const shallow = { list: [1, { b: null }, []], text: 'x\u0085', empty: {} };
    expect(jsonText({ shallow, deep })).toBe(`{"shallow":${JSON.stringify(shallow).replace('\u0085', '\\u0085')},"deep":${escaped}}`);
    const laidOut = jsonText({ shallow, deep }, 2);
    const shallowText = JSON.stringify(shallow, null, 2).replace(/\n/g, '\n  ').replace('\u0085', '\\u0085');
    expect(laidOut.startsWith(`{\n  "shallow": ${shallowText},\n  "deep": [\n    [\n      [`)).toBe(true);
    expect(laidOut.endsWith(']\n    ]\n  ]\n}')).toBe(true);
    // Past 100 levels the layout stops: n laid-out levels take n² characters.
    expect(laidOut.length).toBeLessThan(escaped.length + 100 * 100 * 4);
    expect(laidOut.replace(/\s/g, '')).toBe(`{"shallow":${JSON.stringify(shallow).replace('\u0085', '\\u0085')},"deep":${escaped}}`);
  });

  it('does not crash --json, {{json .}}, {{json .name}}, {{.name}} or the table', async () => {
    for (const flags of [
      { json: true },
      { format: '{{json .}}' },
      { format: '{{json .name}}' },
      { format: '{{.name}}' },
      { format: 'table {{.name}}' },
      {},
    ]) {
      const io = memoryIO();
      const text = io.output;
      await printTriggers(io, outputSpec(flags), [t], 'http://127.0.0.1/');
      expect(text().replace(/\s/g, '')).toContain(escaped);
    }
  });
});
