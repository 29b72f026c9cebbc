// --debug through the built CLI: it opens with what is running (versions, host, where the credentials
// come from, never them), and the stack of an error points at the TypeScript sources, through the
// source map the build writes beside the bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../src/code-cache.js';
import { emulatorEnv, ROOT, spawnCli, tempHome } from './helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const RUNNING = `[debug] trigger ${version}, Node.js ${process.version} (${process.platform}/${process.arch})`;

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe('the first line of --debug says what is running', () => {
  it('the versions, the host and the source of the credentials; then the code cache', async () => {
    const r = await spawnCli(['--debug', 'list', 'web'], emulatorEnv(emu.url));
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `${RUNNING}, host ${emu.url}/, credentials from DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY`,
      '[debug] code cache accepted',
    ]);
    expect(lines[2]).toMatch(/^\[debug\] > GET /);
  });

  it('credentials saved by login are named by their profile and file (TRIGGER_DEBUG=1 too), never shown', async () => {
    const home = tempHome();
    const login = await spawnCli(['--host', `${emu.url}/`, 'login', '-u', USER, '--password-stdin'], home, APIKEY);
    expect(login.code).toBe(0);
    const r = await spawnCli(['--host', `${emu.url}/`, 'list', 'web'], { ...home, TRIGGER_DEBUG: '1' });
    expect(r.code).toBe(0);
    const first = r.stderr.split('\n')[0]!;
    expect(first.startsWith(`${RUNNING}, host ${emu.url}/, credentials from `)).toBe(true);
    expect(first).toContain('profile default');
    expect(r.stderr).not.toContain(APIKEY);
  });

  it('a command that needs neither host nor credentials still runs when they are unusable, and says so', async () => {
    const [none, badHost] = await Promise.all([
      spawnCli(['--debug', 'version'], tempHome()),
      spawnCli(['--debug', 'version'], { ...tempHome(), DOCKERCLOUD_REST_HOST: 'ftp://example.invalid/', DOCKERCLOUD_AUTH: 'Basic \u0001' }),
    ]);
    expect(none.code).toBe(0);
    expect(none.stderr.split('\n')[0]).toBe(`${RUNNING}, host https://cloud.docker.com/, no credentials`);
    expect(badHost.code).toBe(0);
    expect(badHost.stderr.split('\n')[0]).toBe(
      `${RUNNING}, settings unusable (DOCKERCLOUD_REST_HOST must be an http(s) URL, not a ftp URL), ` +
        'credentials unusable (DOCKERCLOUD_AUTH is not a valid Authorization value (it holds control or non-ASCII characters))',
    );
  });

  it('without --debug, none of it', async () => {
    const r = await spawnCli(['list', 'web'], emulatorEnv(emu.url));
    // The service has no triggers: that notice is all there is on stderr.
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: 'no triggers in service web.demo\n' });
  });
});

describe('stacks under --debug point at the TypeScript sources', () => {
  it('the frame that threw names the .ts file and the line that holds the throw', async () => {
    const r = await spawnCli(['--debug', '--timeout', 'abc', 'list', 'web'], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    const frame = r.stderr.split('\n').find((l) => /^\s+at /.test(l));
    const m = /\((\/[^()]+\.ts):(\d+):(\d+)\)$/.exec(frame ?? '');
    expect(m, frame).not.toBeNull();
    const [, file, line] = m!;
    expect(file).toBe(join(ROOT, 'src/settings.ts'));
    expect(readFileSync(file!, 'utf8').split('\n')[Number(line) - 1]).toContain('UsageError');
  });

  it('the map lies beside the bundle, not inside it, and names the sources', () => {
    const bundle = readFileSync(join(ROOT, 'dist/main.cjs'), 'latin1');
    expect(bundle).not.toContain('sourceMappingURL');
    const map = join(ROOT, 'dist/main.cjs.map');
    expect(existsSync(map)).toBe(true);
    const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    expect(sources).toContain('../src/main.ts');
  });

  it('positions on the first line of a bundle are its own, the loader\'s wrapper not counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trigger-bundle-'));
    try {
      const file = join(dir, 'first-line.cjs');
      const source = 'module.exports = () => { throw new Error("here"); };\n';
      writeFileSync(file, source);
      const { exports: fail } = loadBundle<() => void>(file, false);
      let stack = '';
      try {
        fail();
      } catch (err) {
        stack = (err as Error).stack ?? '';
      }
      expect(stack).toContain(`${file}:1:${source.indexOf('new Error') + 1}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
