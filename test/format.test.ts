// --format templates (src/output/format.ts, src/output/render.ts): the parser and renderer, then every
// form through the CLI (in-process, against the emulator), the usage errors raised before any request,
// --no-header, and tables fitted to a narrow terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { parseTemplate, renderParts } from '../src/output/format.js';
import { LISTED_FIELDS, TRIGGER_FIELDS } from '../src/output/render.js';
import { UsageError } from '../src/errors.js';
import { triggerCallPath, triggerPath } from '../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli, tempHome, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import type { SeedService } from '../src/emulator/store.js';
import { api, API, T_API, T_DEPLOY, T_SCALE, WEB_DEMO, webDemo } from './helpers/fixture.js';

const WEB = WEB_DEMO;

const OBJECT = {
  uuid: T_DEPLOY,
  name: 'deploy-hook',
  operation: 'REDEPLOY',
  url: triggerCallPath(WEB, T_DEPLOY),
  resource_uri: triggerPath(WEB, T_DEPLOY),
};

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

function render(source: string, object: Record<string, unknown> = OBJECT, fields: readonly string[] = TRIGGER_FIELDS): string {
  const t = parseTemplate(source, fields);
  expect(t.table).toBe(false);
  return renderParts(t.columns[0], object);
}

function usageError(source: string, fields: readonly string[] = TRIGGER_FIELDS): UsageError {
  try {
    parseTemplate(source, fields);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`parseTemplate accepted ${JSON.stringify(source)}`);
}

describe('parseTemplate and renderParts', () => {
  it('{{.field}} for every field, with text around it and spaces inside the braces', () => {
    for (const f of TRIGGER_FIELDS) expect(render(`{{.${f}}}`)).toBe(OBJECT[f]);
    expect(render('[{{.name}}] is {{ .operation }}!')).toBe('[deploy-hook] is REDEPLOY!');
    expect(render('no actions at all')).toBe('no actions at all');
  });

  it('{{json .}} is the whole object on one line; {{json .field}} a JSON value', () => {
    const whole = render('{{json .}}');
    expect(whole).not.toContain('\n');
    expect(JSON.parse(whole)).toEqual(OBJECT);
    expect(render('{{json .name}}')).toBe('"deploy-hook"');
    expect(render('{{json .name}}', { ...OBJECT, name: 'a "quoted"\nname' })).toBe(JSON.stringify('a "quoted"\nname'));
  });

  it('\\t and \\n escapes become a tab and a newline; \\\\ a backslash', () => {
    expect(render('{{.name}}\\t{{.operation}}\\n')).toBe('deploy-hook\tREDEPLOY\n');
    expect(render('a\\\\tb')).toBe('a\\tb');
  });

  it('missing values print as nothing; null, numbers and objects as their JSON text', () => {
    expect(render('<{{.name}}>', { uuid: 'x', name: null })).toBe('<null>');
    expect(render('<{{.name}}>', { uuid: 'x', name: 42 })).toBe('<42>');
    expect(render('<{{.name}}>', { uuid: 'x' })).toBe('<>');
    expect(render('{{json .name}}', { uuid: 'x' })).toBe('null');
    expect(render('{{.name}}', { uuid: 'x', name: { a: 1 } })).toBe('{"a":1}');
  });

  it("'table ' prefix: one column per tab-separated cell, headers from the field names", () => {
    const t = parseTemplate('table {{.name}}\\t{{.operation}}', TRIGGER_FIELDS);
    expect(t.table).toBe(true);
    expect(t.headers).toEqual(['NAME', 'OPERATION']);
    expect(t.columns.map((c) => renderParts(c, OBJECT))).toEqual(['deploy-hook', 'REDEPLOY']);
  });

  it("docker's capitalised fields get the field they mean: unknown field 'Name'; did you mean 'name'?", () => {
    expect(usageError('{{.Name}}').message).toBe("invalid --format template: unknown field 'Name'; did you mean 'name'?");
    expect(usageError('table {{.ID}}\\t{{.UUID}}').message).toMatch(/unknown field 'ID'; fields: uuid, name/);
    expect(usageError('{{json .Service}}', LISTED_FIELDS).message).toMatch(/unknown field 'Service'; did you mean 'service'\?$/);
  });

  it('a template that merely starts with the word table is not a table', () => {
    expect(render('tablet {{.name}}')).toBe('tablet deploy-hook');
  });

  it('rejects unknown fields, unbalanced braces, {{.}}, unknown actions and empty templates', () => {
    expect(usageError('{{.nosuch}}').message).toMatch(/unknown field 'nosuch'/);
    expect(usageError('{{.service}}').message).toMatch(/unknown field/);
    expect(() => parseTemplate('{{.service}}', LISTED_FIELDS)).not.toThrow();
    usageError('{{.name');
    usageError('{{.name}');
    usageError('.name}}');
    usageError('{{.}}');
    usageError('{{name}}');
    usageError('{{printf .name}}');
    usageError('');
    usageError('   ');
    usageError('table {{.nosuch}}\\t{{.name}}');
  });
});

describe('templates are read in one pass', () => {
  // A template parser that backtracks takes minutes on these; the test's own timeout is the guard.
  it('an action that never closes, after 8,000 spaces, is refused at once (built CLI, exit 2)', async () => {
    const r = await spawnCli(['list', WEB, '--format', `{{${' '.repeat(8000)}x`], tempHome());
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('Error: invalid --format template: unbalanced {{ or }}');
  });

  it('templates of a megabyte are accepted or refused at once', () => {
    const MB = 1024 * 1024;
    const spaces = ' '.repeat(MB);
    usageError(`{{${spaces}x`);
    usageError(`{{${spaces}.name`);
    usageError(`${'x'.repeat(MB)}}}`);
    usageError('{{'.repeat(MB / 2));
    usageError('}}'.repeat(MB / 2));
    usageError(`{{.name${'}'.repeat(MB)}`);
    expect(usageError(`{{ ${'json '.repeat(MB / 5)}.}}`).message).toMatch(
      /cannot read '\{\{ json json json json json json json json…\}\}'/,
    );
    expect(render(`{{${spaces}.name${spaces}}}`)).toBe('deploy-hook');
    expect(render(`${'a'.repeat(MB)}{{.name}}`)).toBe(`${'a'.repeat(MB)}deploy-hook`);
    expect(render('{{.name}}'.repeat(MB / 9))).toBe('deploy-hook'.repeat(Math.floor(MB / 9)));
    const table = parseTemplate(`table ${'{{.name}}\\t'.repeat(MB / 11)}`, TRIGGER_FIELDS);
    expect(table.columns.length).toBe(Math.floor(MB / 11) + 1);
  });

  it('an action quoted in an error is cut short, its control characters neutralised', () => {
    expect(usageError(`{{printf "\u001b[2J${'x'.repeat(100)}"}}`).message).toBe(
      `invalid --format template: cannot read '{{printf "\uFFFD[2J${'x'.repeat(28)}…}}'; use {{.field}} or {{json .}}`,
    );
  });
});

// --- through the CLI ---

let emu: RunningEmulator;
let seen: string[];
const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(extra: SeedService[] = []): Promise<void> {
  emu = await startEmulator({
    // web.demo with deploy-hook and scale-hook alone, and api.
    seed: [{ ...webDemo(), triggers: webDemo().triggers!.slice(0, 2) }, api(), ...extra],
  });
  running.push(emu);
  seen = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
}

const run = (args: string[], opts: Parameters<typeof runCli>[2] = {}): Promise<Result> => runCli(args, emulatorEnv(emu.url), opts);

async function ok(args: string[], opts: Parameters<typeof runCli>[2] = {}): Promise<string> {
  const r = await run(args, opts);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('--format through the CLI', () => {
  it('list: {{.uuid}}, {{.name}}, {{.operation}} print one line per trigger', async () => {
    await start();
    expect(await ok(['list', WEB, '--format', '{{.uuid}}'])).toBe(`${T_DEPLOY}\n${T_SCALE}\n`);
    expect(await ok(['ls', 'web', '--format', '{{.name}} {{.operation}}'])).toBe('deploy-hook REDEPLOY\nscale-hook SCALEUP\n');
  });

  it('list: {{.url}} and {{.resource_uri}} print the same values as --json', async () => {
    await start();
    const objects = JSON.parse(await ok(['list', WEB, '--json'])) as Record<string, string>[];
    expect(await ok(['list', WEB, '--format', '{{.url}}'])).toBe(objects.map((o) => `${o.url}\n`).join(''));
    expect(await ok(['list', WEB, '--format', '{{.resource_uri}}'])).toBe(objects.map((o) => `${o.resource_uri}\n`).join(''));
  });

  it('list: {{json .}} is one JSON line per trigger, equal to the --json objects; {{json .name}} quotes', async () => {
    await start();
    const objects = JSON.parse(await ok(['list', WEB, '--json'])) as unknown[];
    const lines = (await ok(['list', WEB, '--format', '{{json .}}'])).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(objects);
    expect(await ok(['list', WEB, '--format', '{{json .name}}'])).toBe('"deploy-hook"\n"scale-hook"\n');
  });

  it('list: \\t and \\n escapes in the template', async () => {
    await start();
    expect(await ok(['list', WEB, '--format', '{{.name}}\\t{{.operation}}'])).toBe('deploy-hook\tREDEPLOY\nscale-hook\tSCALEUP\n');
    expect(await ok(['list', WEB, '--format', '{{.name}}\\n{{.operation}}'])).toBe('deploy-hook\nREDEPLOY\nscale-hook\nSCALEUP\n');
  });

  it("list: 'table' prints aligned columns with a header; --no-header leaves it out", async () => {
    await start();
    expect(await ok(['list', WEB, '--format', 'table {{.name}}\\t{{.operation}}'])).toBe(
      'NAME          OPERATION\ndeploy-hook   REDEPLOY\nscale-hook    SCALEUP\n',
    );
    expect(await ok(['list', WEB, '--format', 'table {{.name}}\\t{{.operation}}', '--no-header'])).toBe(
      'deploy-hook   REDEPLOY\nscale-hook    SCALEUP\n',
    );
  });

  it("--format table is the default table, as docker's is, with --no-header, --no-trunc and the fitting to a terminal", async () => {
    await start();
    for (const extra of [[], ['--no-header'], ['--no-trunc']]) {
      expect(await ok(['list', WEB, '--format', 'table', ...extra])).toBe(await ok(['list', WEB, ...extra]));
    }
    expect(await ok(['list', '--format', 'table'])).toBe(await ok(['list']));
    const narrow = { tty: true, columns: 60 };
    expect(await ok(['list', WEB, '--format', 'table'], narrow)).toBe(await ok(['list', WEB], narrow));
    expect(await ok(['create', WEB, '-n', 'x', '--format', 'table'])).toMatch(
      /^UUID {35}NAME {3}OPERATION {3}URL\n[0-9a-f-]{36} {3}x {6}REDEPLOY {4}http:\S+\n$/,
    );
  });

  it('--format json prints one JSON object per line, as docker 23+ does: the --json objects', async () => {
    await start();
    const objects = JSON.parse(await ok(['list', WEB, '--json'])) as unknown[];
    const lines = (await ok(['list', WEB, '--format', 'json'])).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l))).toEqual(objects);
    const all = (await ok(['list', '--format', 'json'])).trimEnd().split('\n');
    expect(all.map((l) => JSON.parse(l))).toEqual(JSON.parse(await ok(['list', '--json'])));
    expect(await ok(['inspect', WEB, 'deploy-hook', '--format', 'json'])).toBe(`${lines[0]}\n`);
    const made = await ok(['create', WEB, '-n', 'x', '--format', 'json']);
    expect(made.split('\n')).toHaveLength(2);
    expect(JSON.parse(made)).toMatchObject({ name: 'x', operation: 'REDEPLOY' });
  });

  it('list of every service: {{.service}} and {{.service_uuid}}', async () => {
    await start();
    expect(await ok(['list', '--format', '{{.service}}\\t{{.service_uuid}}\\t{{.name}}'])).toBe(
      `web\t${WEB}\tdeploy-hook\nweb\t${WEB}\tscale-hook\napi\t${API}\tapi-hook\n`,
    );
    expect(await ok(['list', '--format', 'table {{.service}}\\t{{.name}}', '--no-header'])).toBe(
      'web   deploy-hook\nweb   scale-hook\napi   api-hook\n',
    );
    const lines = (await ok(['list', '--format', '{{json .}}'])).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(await ok(['list', '--json'])));
    expect(JSON.parse(lines[2])).toMatchObject({ uuid: T_API, name: 'api-hook', service: 'api', service_uuid: API });
  });

  it('text the server chose cannot inject terminal escapes or extra lines through {{.field}}', async () => {
    // The table output neutralises control characters in names (src/output/table.ts); a template
    // printing {{.name}} must too, or one trigger could print as several lines or clear the screen.
    await start([
      { uuid: '0e0e0e0e-0000-4000-8000-000000000006', name: 'evil', triggers: [{ name: 'bad\u001b[2J\nname' }, { name: 'ok' }] },
    ]);
    const out = await ok(['list', 'evil', '--format', '{{.name}}']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(out).not.toContain('\u001b');
    expect(lines[1]).toBe('ok');
    expect(await ok(['list', 'evil', '--format', '{{json .name}}'])).toBe(`${JSON.stringify('bad\u001b[2J\nname')}\n"ok"\n`);
  });

  it('create --format prints the new trigger through the template', async () => {
    await start();
    const out = await ok(['create', WEB, '-n', 'new-hook', '-o', 'scaleup', '--format', '{{.name}} {{.operation}} {{.uuid}}']);
    expect(out).toMatch(/^new-hook SCALEUP [0-9a-f-]{36}\n$/);
    expect(emu.store.service(WEB)!.triggers.map((t) => t.uuid)).toContain(out.trim().split(' ')[2]);
  });

  it('inspect --format prints each trigger through the template, in argument order', async () => {
    await start();
    expect(await ok(['inspect', 'web', 'scale-hook', T_DEPLOY, '--format', '{{.name}}={{.uuid}}'])).toBe(
      `scale-hook=${T_SCALE}\ndeploy-hook=${T_DEPLOY}\n`,
    );
  });

  it('--no-header on the default list table leaves the header out', async () => {
    await start();
    const withHeader = (await ok(['list', WEB])).split('\n');
    const without = (await ok(['list', WEB, '--no-header'])).split('\n');
    expect(withHeader[0]).toMatch(/^UUID\s+NAME\s+OPERATION\s+URL$/);
    const cells = (lines: string[]): string[][] => lines.filter((l) => l !== '').map((l) => l.split(/ {3,}/));
    expect(without).toHaveLength(3);
    expect(cells(without)).toEqual(cells(withHeader.slice(1)));
    expect(cells(without)[0]).toEqual(['d1d1d1d1', 'deploy-hook', 'REDEPLOY', `${emu.url}${triggerCallPath(WEB, T_DEPLOY)}`]);
  });
});

describe('--format usage errors: exit 2, before any request', () => {
  const bad: [string, string[]][] = [
    ['unknown field', ['list', WEB, '--format', '{{.nosuch}}']],
    ['unclosed action', ['list', WEB, '--format', '{{.name']],
    ['{{.}}', ['list', WEB, '--format', '{{.}}']],
    ['empty template', ['list', WEB, '--format', '']],
    ['unknown field in a table', ['list', '--format', 'table {{.name}}\\t{{.bogus}}']],
    ['with -q', ['list', WEB, '-q', '--format', '{{.name}}']],
    ['with --json', ['list', WEB, '--json', '--format', '{{.name}}']],
    ['-q with --json', ['list', WEB, '-q', '--json']],
    ['create: unknown field', ['create', WEB, '-n', 'x', '--format', '{{.nosuch}}']],
    ['create: with -q', ['create', WEB, '-n', 'x', '-q', '--format', '{{.name}}']],
    ['create: with --json', ['create', WEB, '-n', 'x', '--json', '--format', '{{.name}}']],
    ['inspect: unclosed action', ['inspect', WEB, T_DEPLOY, '--format', '{{.name']],
    ['inspect: with --json', ['inspect', WEB, T_DEPLOY, '--json', '--format', '{{.name}}']],
  ];
  it.each(bad)('%s', async (_, args) => {
    await start();
    const triggersBefore = emu.store.service(WEB)!.triggers.length;
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: \S/);
    expect(seen).toEqual([]);
    expect(emu.store.service(WEB)!.triggers).toHaveLength(triggersBefore);
  });
});

describe('tables fitted to the terminal', () => {
  it('on a 60-column TTY the URL column is shortened to its trigger part; other columns are whole', async () => {
    await start();
    const out = stripAnsi(await ok(['list', WEB], { tty: true, columns: 60 }));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    for (const line of lines.slice(1)) expect(line).toMatch(/…$/);
    expect(lines[1]).toMatch(/^d1d1d1d1\s+deploy-hook\s+REDEPLOY\s+…\/trigger\/d1d1d1d1-/);
  });

  it('the list of every service (SERVICE column) is fitted the same way', async () => {
    await start();
    const out = stripAnsi(await ok(['list'], { tty: true, columns: 60 }));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+UUID\s+NAME\s+OPERATION\s+URL$/);
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    for (const line of lines.slice(1)) expect(line).toMatch(/…$/);
  });

  it('a wide terminal and piped output are never cut', async () => {
    await start();
    const full = `${emu.url}${triggerCallPath(WEB, T_DEPLOY)}`;
    for (const opts of [{}, { tty: true, columns: 400 }]) {
      const out = stripAnsi(await ok(['list', WEB], opts));
      expect(out).toContain(full);
      expect(out).not.toContain('…');
    }
  });
});
