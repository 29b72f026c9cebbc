// `trigger services` (alias `svc`): every service with its stack, state, containers (running/target,
// as `docker service ls` shows replicas) and trigger count, a service without triggers included.
// Built CLI for the output and exit codes; a pseudo-terminal for the fitted, coloured table; the
// requests behind it counted on the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import type { SeedService } from '../../src/emulator/store.js';
import { emulatorEnv, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { API, DB, PAYMENTS, WEB_DEMO, WEB_OTHER, webDemo } from '../helpers/fixture.js';
import { forward, json, startFaultServer } from '../helpers/fault-server.js';
import { instrument } from '../helpers/instrumented.js';
import { describeInPty, runInPty } from '../helpers/pty.js';

function seed(): SeedService[] {
  return [
    webDemo(),
    { uuid: WEB_OTHER, name: 'web', stack: 'other', target_num_containers: 3, triggers: [{ name: 'other-hook' }] },
    {
      uuid: API,
      name: 'api',
      stack: null,
      state: 'Starting',
      target_num_containers: 2,
      triggers: [{ name: 'api-hook' }, { name: 'api-hook-2' }],
    },
    { uuid: DB, name: 'db', stack: null, state: 'Stopped', target_num_containers: 2 },
    { uuid: PAYMENTS, name: 'payments-gateway-eu-west', stack: 'prod' },
  ];
}

const TABLE = [
  'UUID       NAME                       STACK   STATE      CONTAINERS   TRIGGERS',
  'a1b2c3d4   web                        demo    Running    1/1          3',
  'b1b2c3d4   web                        other   Running    3/3          1',
  'c0ffee01   api                                Starting   0/2          2',
  'c0ffee02   db                                 Stopped    0/2          0',
  'a7a7a7a7   payments-gateway-eu-west   prod    Running    1/1          0',
].join('\n');

let emu: RunningEmulator;
let seen: string[];
beforeAll(async () => {
  emu = await startEmulator({ seed: seed() });
  seen = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
});
afterAll(() => emu.close());

const env = (): Record<string, string> => emulatorEnv(emu.url);

describe('trigger services', () => {
  it('lists every service, those without triggers too, as a table; svc is its alias (built CLI)', async () => {
    const r = await spawnCli(['services'], env());
    expect(r).toEqual({ code: 0, stdout: `${TABLE}\n`, stderr: '' });
    expect(await spawnCli(['svc'], env())).toEqual(r);
  });

  it('counts triggers from one-trigger pages, and reads each stack once', async () => {
    seen.length = 0;
    expect((await runCli(['services'], env())).code).toBe(0);
    const counts = seen.filter((s) => s.includes('/trigger/'));
    expect(counts.sort()).toEqual(
      [WEB_DEMO, WEB_OTHER, API, DB, PAYMENTS].map((u) => `GET /api/app/v1/service/${u}/trigger/?limit=1`).sort(),
    );
    expect(seen.filter((s) => s.startsWith('GET /api/app/v1/stack/'))).toHaveLength(3);
  });

  it('--json: every field, or those asked for, as gh --json does; -q full UUIDs, asking for no stacks nor counts', async () => {
    const whole = JSON.parse((await spawnCli(['services', '--json'], env())).stdout) as Record<string, unknown>[];
    expect(whole[0]).toEqual({
      uuid: WEB_DEMO,
      name: 'web',
      stack: 'demo',
      state: 'Running',
      image_name: expect.any(String),
      running_num_containers: 1,
      target_num_containers: 1,
      trigger_count: 3,
      resource_uri: `/api/app/v1/service/${WEB_DEMO}/`,
    });
    expect(whole[2]).toMatchObject({ name: 'api', stack: null, state: 'Starting', trigger_count: 2 });
    const some = await spawnCli(['svc', '--json', 'name,stack,trigger_count'], env());
    expect(JSON.parse(some.stdout)).toEqual([
      { name: 'web', stack: 'demo', trigger_count: 3 },
      { name: 'web', stack: 'other', trigger_count: 1 },
      { name: 'api', stack: null, trigger_count: 2 },
      { name: 'db', stack: null, trigger_count: 0 },
      { name: 'payments-gateway-eu-west', stack: 'prod', trigger_count: 0 },
    ]);
    seen.length = 0;
    expect(await spawnCli(['services', '-q'], env())).toEqual({
      code: 0,
      stdout: `${[WEB_DEMO, WEB_OTHER, API, DB, PAYMENTS].join('\n')}\n`,
      stderr: '',
    });
    expect(seen.filter((s) => s.includes('/stack/') || s.includes('/trigger/'))).toEqual([]);
  });

  it('--format json, a template, a table template; --no-header; --no-trunc', async () => {
    const lines = (await spawnCli(['services', '--format', 'json'], env())).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[1])).toMatchObject({ uuid: WEB_OTHER, stack: 'other' });
    expect((await spawnCli(['services', '--format', '{{.name}}.{{.stack}} {{.trigger_count}}'], env())).stdout.split('\n')[0]).toBe(
      'web.demo 3',
    );
    const template = await spawnCli(['services', '--format', 'table {{.name}}\\t{{.state}}', '--no-header'], env());
    expect(template.stdout.split('\n')[3].split(/ {3,}/)).toEqual(['db', 'Stopped']);
    const cells = (text: string): string[][] =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/ {3,}/));
    expect(cells((await spawnCli(['services', '--no-header'], env())).stdout)).toEqual(cells(TABLE).slice(1));
    expect((await spawnCli(['services', '--no-trunc'], env())).stdout.split('\n')[1]).toMatch(new RegExp(`^${WEB_DEMO}   web   `));
  });

  it('bad output options are usage errors before any request, exit 2', async () => {
    seen.length = 0;
    const r = await spawnCli(['services', '--json', 'Name'], env());
    expect(r).toEqual({
      code: 2,
      stdout: '',
      // No word to put before --json: services takes no arguments.
      stderr: "Error: unknown --json field 'Name'; did you mean 'name'?\nRun 'trigger services --help' for usage.\n",
    });
    expect((await spawnCli(['services', '--format', '{{.triggers}}'], env())).code).toBe(2);
    expect((await spawnCli(['services', '-q', '--json'], env())).code).toBe(2);
    expect(seen).toEqual([]);
  });

  it('trigger counts are asked for at most 8 at a time', async () => {
    const many = await startEmulator({
      seed: Array.from({ length: 30 }, (_, i) => ({ name: `svc-${i}`, stack: null, triggers: [{ name: 'hook' }] })),
    });
    try {
      const probe = instrument(many.server);
      const r = await runCli(['services', '--json', 'trigger_count'], emulatorEnv(many.url));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(Array.from({ length: 30 }, () => ({ trigger_count: 1 })));
      expect(probe.requests.filter((q) => q.url.pathname.endsWith('/trigger/'))).toHaveLength(30);
      expect(probe.maxInFlight()).toBeGreaterThan(1);
      expect(probe.maxInFlight()).toBeLessThanOrEqual(8);
    } finally {
      await many.close();
    }
  });

  it('behind an API without stacks (404 for them), STACK is empty and stack null; nothing fails', async () => {
    const proxy = await startFaultServer();
    try {
      proxy.route('GET', /^\/api\/app\/v1\/stack\//, json(404, { error: 'Not found' }));
      proxy.fallback(forward(emu.url));
      const r = await runCli(['services', '--json', 'name,stack'], emulatorEnv(proxy.url));
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { stack: unknown }[]).map((s) => s.stack)).toEqual([null, null, null, null, null]);
    } finally {
      await proxy.close();
    }
  });

  it('no services: the header, and "no services" on stderr; with --json, [] alone', async () => {
    const none = await startEmulator({ seed: [] });
    try {
      expect(await spawnCli(['services'], emulatorEnv(none.url))).toEqual({
        code: 0,
        stdout: 'UUID   NAME   STACK   STATE   CONTAINERS   TRIGGERS\n',
        stderr: 'no services\n',
      });
      expect(await runCli(['services', '--json'], emulatorEnv(none.url))).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    } finally {
      await none.close();
    }
  });
});

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describeInPty('trigger services on a terminal', () => {
  it('at 120 columns: whole, the states coloured (Running green, Starting yellow, Stopped plain)', async () => {
    const { code, text: output } = await runInPty(['services'], { columns: 120, env: env() });
    expect(code).toBe(0);
    expect(stripAnsi(output)).toBe(`${TABLE}\n`);
    expect(output).toContain('\x1b[32mRunning\x1b[39m');
    expect(output).toContain('\x1b[33mStarting\x1b[39m');
    expect(output).toContain('Stopped');
    expect(output).not.toMatch(/\x1b\[3\dmStopped/);
  });

  it('at 60 columns: fitted, no line wider than the terminal; a long name shortened in the middle, the rest whole', async () => {
    const { code, text: output } = await runInPty(['services'], { columns: 60, env: { ...env(), NO_COLOR: '1' } });
    expect(code).toBe(0);
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(60);
    expect(lines[0]).toBe('UUID       NAME     STACK   STATE      CONTAINERS   TRIGGERS');
    const last = lines[5].split(/ {3,}/);
    expect(last[0]).toBe(PAYMENTS.slice(0, 8));
    expect(last[1]).toBe('pay…st');
    expect(last.slice(2)).toEqual(['prod', 'Running', '1/1', '0']);
    expect(lines[4]).toMatch(/^c0ffee02 {3}db {2,}Stopped {3,}0\/2 {3,}0$/);
  });
});
