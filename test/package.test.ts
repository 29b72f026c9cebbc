// The published package: `npm pack` holds the built bundles, the bin shims, README, LICENSE and
// package.json and nothing else; installed from that tarball into an empty folder (offline: the
// bundles need no other package), its `trigger` and `dockercloud-emulator` commands work.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/cli.js';
import { recordOutput } from './helpers/secrets.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
};

const work = mkdtempSync(join(tmpdir(), 'trigger-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment npm and the installed commands run with: none of the npm_* settings of an outer `npm test`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  // node itself must be on PATH for the bins' `#!/usr/bin/env node`
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  env.HOME = join(work, 'home');
  return { ...env, ...extra };
}

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** Runs an installed command; its output joins the run-wide secret scan like any other CLI output. */
async function installed(
  file: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  const result = await run(file, args, opts);
  recordOutput(args, result.stdout, result.stderr);
  return result;
}

let tarball: string;
let paths: string[];
let project: string;
let installedOffline: boolean | undefined;

describe('npm pack', { timeout: 60_000 }, () => {
  it('packs the bundles, bin shims, README, LICENSE and package.json, nothing else', async () => {
    const dest = join(work, 'pack');
    mkdirSync(dest);
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: ROOT, env: cleanEnv() });
    const [packed] = JSON.parse(stdout) as Packed[];
    tarball = join(dest, packed.filename);
    paths = packed.files.map((f) => f.path).sort();

    const bundles = [
      'dist/trigger.cjs',
      'dist/main.cjs',
      'dist/main.cjs.cache',
      'dist/main.cjs.map',
      'dist/proxy.cjs',
      'dist/conf.cjs',
      'dist/dockercloud-emulator.js',
      'dist/THIRD-PARTY-LICENSES.txt',
    ];
    for (const required of ['package.json', 'README.md', 'LICENSE', ...bundles, ...Object.values(pkg.bin)]) {
      expect(paths).toContain(required.replace(/^\.\//, ''));
    }
    const unexpected = paths.filter(
      (p) => !(['package.json', 'README.md', 'LICENSE', ...bundles].includes(p) || /^bin\/[^/]+\.c?js$/.test(p)),
    );
    expect(unexpected).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(src|test)\/|\.ts$|meta\.json$/.test(p))).toEqual([]);
    // The source map of dist/main.cjs alone, for stacks under --debug; it holds no source text.
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual(['dist/main.cjs.map']);
  });

  it('declares no runtime dependencies: everything it runs is bundled', () => {
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
  });
});

describe('installed from the tarball into an empty folder', { timeout: 60_000 }, () => {
  it('npm install <tarball> works offline and adds only this package', async () => {
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'install-check', version: '1.0.0', private: true }));
    const common = ['install', tarball, '--no-audit', '--no-fund'];
    try {
      await run('npm', [...common, '--offline'], { cwd: project, env: cleanEnv() });
      installedOffline = true;
    } catch (err) {
      // Reported, not hidden: an offline install should always be possible for this package.
      process.stderr.write(`package.test: offline install failed, retrying online: ${(err as Error).message}\n`);
      installedOffline = false;
      await run('npm', common, { cwd: project, env: cleanEnv() });
    }
    expect(installedOffline).toBe(true);
    const modules = readdirSync(join(project, 'node_modules')).filter((f) => !f.startsWith('.'));
    expect(modules).toEqual([pkg.name]);
    expect(readdirSync(join(project, 'node_modules/.bin')).sort()).toEqual(Object.keys(pkg.bin).sort());
  });

  it('node_modules/.bin/trigger --version and npx trigger --version print the package version', async () => {
    const bin = join(project, 'node_modules/.bin/trigger');
    const direct = await installed(bin, ['--version'], { cwd: project, env: cleanEnv() });
    expect(direct.stdout).toBe(`${pkg.version}\n`);
    const npx = await installed('npx', ['--no', '--', 'trigger', '--version'], { cwd: project, env: cleanEnv() });
    expect(npx.stdout).toBe(`${pkg.version}\n`);
  });

  it('the installed dockercloud-emulator serves the installed trigger: create, then list', async () => {
    const emulator: ChildProcess = spawn(join(project, 'node_modules/.bin/dockercloud-emulator'), ['--port', '0'], {
      cwd: project,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => emulator.once('exit', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        emulator.stdout!.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        emulator.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
        emulator.once('error', reject);
        emulator.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening: ${err}`)));
      });
      const env = cleanEnv({
        DOCKERCLOUD_REST_HOST: `${url}/`,
        DOCKERCLOUD_USER: 'demo',
        DOCKERCLOUD_APIKEY: 'demo-apikey',
        TRIGGER_CONFIG_DIR: join(work, 'config'),
      });
      const trigger = join(project, 'node_modules/.bin/trigger');
      const created = await installed(trigger, ['create', 'web', '-n', 'packaged-hook', '-q'], { cwd: project, env });
      const uuid = created.stdout.trim();
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

      const listed = await installed(trigger, ['list', 'web'], { cwd: project, env });
      const lines = listed.stdout.split('\n');
      expect(lines[0]).toMatch(/^UUID\s+NAME\s+OPERATION\s+URL\s*$/);
      expect(lines[1]).toMatch(new RegExp(`^${uuid.slice(0, 8)}\\s+packaged-hook\\s+REDEPLOY\\s+${url}/`));
      expect(listed.stderr).toBe('');
      // The code cache made by the build fits the Node that runs the installed package.
      const debug = await installed(trigger, ['--debug', 'list', 'web'], { cwd: project, env });
      expect(debug.stderr.split('\n')[1]).toBe('[debug] code cache accepted');
      // The stack of an error under --debug points at the TypeScript sources, through the shipped map.
      const failed = await run(trigger, ['--debug', '--timeout', 'abc', 'list', 'web'], { cwd: project, env }).catch(
        (err: { stderr: string }) => err,
      );
      recordOutput(['--debug', '--timeout', 'abc', 'list', 'web'], '', failed.stderr);
      expect(failed.stderr).toMatch(/^ +at parseTimeout \(.*\/node_modules\/dockercloud-trigger\/src\/settings\.ts:\d+:\d+\)$/m);
    } finally {
      emulator.kill('SIGTERM');
      await exited;
    }
  });
});
