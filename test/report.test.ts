// How an error is printed at a terminal: `Error:` in red when stderr is a terminal with colour, never
// when stderr is piped, under NO_COLOR, --no-color or TERM=dumb.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, tempHome } from './helpers/cli.js';
import { describeInPty, runInPty } from './helpers/pty.js';

const RED_ERROR = '\u001b[31mError:\u001b[39m';
const home = tempHome();
const dir = mkdtempSync(join(tmpdir(), 'trigger-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeInPty('Error: in red at a terminal', () => {
  it('a usage error and an error of the command are red; the hint is not', async () => {
    const [usage, command] = await Promise.all([
      runInPty(['lst'], { columns: 80, env: home }),
      runInPty(['list', 'web'], { columns: 80, env: home }),
    ]);
    expect({ code: usage.code, text: usage.text }).toEqual({
      code: 2,
      text: `${RED_ERROR} unknown command 'lst' (Did you mean list?)\nRun 'trigger --help' for usage.\n`,
    });
    expect(command.code).toBe(3);
    const [error, ...hint] = command.text.split('\n');
    expect(error.startsWith(`${RED_ERROR} `)).toBe(true);
    expect(hint.join('\n')).toMatch(/\S/);
    expect(hint.join('\n')).not.toContain('\u001b[');
  });

  it('stderr decides: red with stdout piped, plain with stderr in a file', async () => {
    const file = join(dir, 'stderr.txt');
    const [piped, redirected] = await Promise.all([
      runInPty(['lst'], { columns: 80, env: home, redirect: '| cat' }),
      runInPty(['lst'], { columns: 80, env: home, redirect: `2>${file}` }),
    ]);
    expect(piped.text).toContain(RED_ERROR);
    expect(redirected.text).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/^Error: unknown command 'lst'/);
  });

  it('never under NO_COLOR, --no-color (wherever it is) or TERM=dumb', async () => {
    const runs = await Promise.all([
      runInPty(['lst'], { columns: 80, env: { ...home, NO_COLOR: '1' } }),
      runInPty(['--no-color', 'lst'], { columns: 80, env: home }),
      runInPty(['lst', '--no-color'], { columns: 80, env: home }),
      runInPty(['--no-color', 'list', 'web'], { columns: 80, env: home }),
      runInPty(['--no-color'], { columns: 80, env: home }),
      runInPty(['lst'], { columns: 80, env: { ...home, TERM: 'dumb' } }),
    ]);
    for (const r of runs) {
      expect(r.text).toMatch(/^Error: /);
      expect(r.text).not.toContain('\u001b[');
    }
  });
});

it('piped, an error is never coloured', async () => {
  const r = await spawnCli(['lst'], home);
  expect(r.stderr).toMatch(/^Error: unknown command 'lst'/);
  expect(r.stderr).not.toContain('\u001b[');
});
