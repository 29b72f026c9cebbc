// What the README's first lines promise a new user: the two set-up commands, then `trigger` on the
// PATH through `npm link` (or `npx trigger` inside the folder), and a demo that shows `trigger
// services` and a table fitted to a terminal, and ends by saying how to run `trigger` yourself.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/cli.js';
import { HAS_SCRIPT } from './helpers/pty.js';
import { recordOutput } from './helpers/secrets.js';

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const LINK_LINE = '# To run trigger yourself: `npm link` once puts it on your PATH; or, inside this folder, `npx trigger ...`.';

const work = mkdtempSync(join(tmpdir(), 'trigger-setup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a new user's shell: none of the npm_* settings of an outer `npm test`; `path` first on PATH. */
function userEnv(path: string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.PATH = [...path, dirname(process.execPath), process.env.PATH ?? ''].join(':');
  env.HOME = join(work, 'home');
  return env;
}

async function shell(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout, stderr } = await run(file, args, { cwd, env });
  recordOutput(args, stdout, stderr);
  return stdout;
}

describe('the README set-up', { timeout: 60_000 }, () => {
  it('opens with the two set-up commands, then says how to put trigger on the PATH', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    expect(lines.slice(2, 6).map((l) => l.split('#')[0].trim())).toEqual(['```sh', 'npm ci && npm run demo', 'npm test', '```']);
    const next = lines.slice(6, 12).join(' ');
    expect(next).toContain('run `npm link` once');
    expect(next).toContain('`npx trigger ...`');
  });

  it('npm link puts trigger on the PATH; npx trigger runs it inside the folder', async () => {
    const prefix = join(work, 'global');
    await run('npm', ['link', '--offline', '--no-audit', '--no-fund'], { cwd: ROOT, env: { ...userEnv(), NPM_CONFIG_PREFIX: prefix } });
    expect(await shell('trigger', ['--version'], work, userEnv([join(prefix, 'bin')]))).toBe(`${VERSION}\n`);
    expect(await shell('npx', ['--no', '--', 'trigger', '--version'], ROOT, userEnv())).toBe(`${VERSION}\n`);
  });

  it('the demo shows trigger services and a fitted table, ends with how to run trigger yourself, and exits 0', async () => {
    const { stdout: out, stderr } = await run(process.execPath, ['scripts/demo.mjs'], { cwd: ROOT, env: userEnv() });
    // Its first line is the emulator's, which names the emulator's public default credentials on
    // purpose; what trigger printed joins the secret scan.
    expect(out.split('\n')[0]).toMatch(/^# emulator listening on http:\/\/127\.0\.0\.1:\d+ \(user demo, API key demo-apikey\)$/);
    recordOutput(['scripts/demo.mjs'], out.split('\n').slice(1).join('\n'), stderr);
    expect(out).toMatch(
      /^\$ trigger services\nUUID +NAME +STACK +STATE +CONTAINERS +TRIGGERS\n[0-9a-f]{8} +web +demo +Running +2\/2 +2\n/m,
    );
    if (HAS_SCRIPT) expect(out).toContain('$ trigger list web        # on a terminal 80 columns wide\n');
    expect(out.trimEnd().split('\n').at(-1)).toBe(LINK_LINE);
  });
});
