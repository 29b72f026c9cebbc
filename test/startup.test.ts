// Start-up cost of the built CLI (src/cli.ts, scripts/build.mjs): `--version` and `--help` are answered
// from baked texts by dist/trigger.cjs without reading the bundle that holds conf and commander; that
// bundle is loaded with a code cache V8 accepts; undici (dist/proxy.cjs) is read only when a proxy is
// set; and the baked help is exactly what commander renders from the real command definitions.
//
// The bundle is built by the real build script (with --metafile FILE) into a staging folder, not into
// dist/: a build wipes dist/ first, which would break other test files running the built CLI at the
// same time, and dist/meta.json would end up in the published package.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Context } from '../src/context.js';
import { buildProgram } from '../src/program.js';
import { emulatorEnv, memoryIO, ROOT, runCli, spawnCli, tempHome } from './helpers/cli.js';
import { startEmulator } from './helpers/emulator.js';

const run = promisify(execFile);
const HEAVY = ['undici', 'conf', 'cli-table3', 'commander'] as const;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<
    string,
    { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }
  >;
}

let stage: string;
let meta: Metafile;

beforeAll(async () => {
  stage = mkdtempSync(join(tmpdir(), 'trigger-startup-'));
  cpSync(join(ROOT, 'src'), join(stage, 'src'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  await run(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--metafile', join(stage, 'meta.json')], { cwd: stage });
  meta = JSON.parse(readFileSync(join(stage, 'meta.json'), 'utf8')) as Metafile;
}, 60_000);

afterAll(() => {
  if (stage) rmSync(stage, { recursive: true, force: true });
});

/** The package a bundled input file comes from, e.g. '../x/node_modules/undici/lib/a.js' → 'undici'. */
function packageOf(input: string): string | undefined {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

function heavyPackagesOf(output: string): string[] {
  const inputs = Object.keys(meta.outputs[output]?.inputs ?? {});
  return [...new Set(inputs.map(packageOf).filter((p): p is string => (HEAVY as readonly string[]).includes(p ?? '')))];
}

describe('what the bundles hold', () => {
  it('dist/trigger.cjs is built from src/cli.ts and holds none of undici, conf, cli-table3, commander', () => {
    expect(meta.outputs['dist/trigger.cjs']?.entryPoint).toBe('src/cli.ts');
    expect(heavyPackagesOf('dist/trigger.cjs')).toEqual([]);
    expect(meta.outputs['dist/trigger.cjs']?.imports.filter((i) => !i.external)).toEqual([]);
  });

  it("dist/main.cjs holds commander, undici is in dist/proxy.cjs alone, conf in dist/conf.cjs alone, and cli-table3 (the tests' reference) in none", () => {
    expect(meta.outputs['dist/main.cjs']?.entryPoint).toBe('src/main.ts');
    expect(heavyPackagesOf('dist/main.cjs').sort()).toEqual(['commander']);
    expect(meta.outputs['dist/main.cjs']?.imports).toContainEqual(expect.objectContaining({ path: './proxy.cjs', external: true }));
    expect(meta.outputs['dist/main.cjs']?.imports).toContainEqual(expect.objectContaining({ path: './conf.cjs', external: true }));
    expect(meta.outputs['dist/proxy.cjs']?.entryPoint).toBe('src/api/proxy.ts');
    expect(heavyPackagesOf('dist/proxy.cjs')).toEqual(['undici']);
    expect(meta.outputs['dist/conf.cjs']?.entryPoint).toBe('src/config/conf.ts');
    expect(heavyPackagesOf('dist/conf.cjs')).toEqual(['conf']);
    expect(Object.keys(meta.outputs).filter((out) => heavyPackagesOf(out).includes('cli-table3'))).toEqual([]);
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `<dir>/trigger.cjs` of a staged build. */
function runStaged(dir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'trigger.cjs'), ...args], {
      env: { PATH: process.env.PATH, ...tempHome(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A copy of the staged dist/ with `change` applied to it. */
function variant(name: string, change: (dir: string) => void): string {
  const dir = join(stage, name);
  cpSync(join(stage, 'dist'), dir, { recursive: true });
  change(dir);
  return dir;
}

describe('what the built CLI loads at run time', () => {
  it('--version and --help never read dist/main.cjs: they work with it gone, and list does not', async () => {
    const entryOnly = variant('entry-only', (dir) => {
      rmSync(join(dir, 'main.cjs'));
      rmSync(join(dir, 'main.cjs.cache'));
    });
    for (const flag of ['--version', '-v']) {
      expect(await runStaged(entryOnly, [flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
    for (const args of [['--help'], ['-h'], ['list', '--help'], ['rm', '-h'], ['config', '--help']]) {
      const r = await runStaged(entryOnly, args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^Usage: trigger/);
    }
    const list = await runStaged(entryOnly, ['list', 'web'], emulatorEnv('http://127.0.0.1:9'));
    expect(list.code).toBe(1);
    expect(list.stderr).toBe(
      `Error: cannot load ${join(entryOnly, 'main.cjs')}: ENOENT: no such file or directory, open '${join(entryOnly, 'main.cjs')}'\nReinstall the package.\n`,
    );
  });

  it('dist/proxy.cjs is read only when a proxy is set: without it, a direct list works and a proxied one fails', async () => {
    const emu = await startEmulator();
    try {
      const noProxy = variant('no-proxy', (dir) => rmSync(join(dir, 'proxy.cjs')));
      const env = emulatorEnv(emu.url);
      const direct = await runStaged(noProxy, ['list', 'web'], env);
      expect({ code: direct.code, stderr: direct.stderr }).toEqual({ code: 0, stderr: 'no triggers in service web.demo\n' });
      expect(direct.stdout).toMatch(/^UUID +NAME +OPERATION +URL\n/);
      // A loopback host is never proxied: the proxied runs name a host that is not.
      const remote = {
        ...env,
        DOCKERCLOUD_REST_HOST: 'http://api.test.invalid/',
        DOCKERCLOUD_INSECURE: '1',
        HTTP_PROXY: 'http://127.0.0.1:9',
      };
      const proxied = await runStaged(noProxy, ['list', 'web', '-q', '--no-retry'], remote);
      expect({ code: proxied.code, stderr: proxied.stderr }).toEqual({
        code: 1,
        stderr: "Error: cannot load the proxy support: Cannot find module './proxy.cjs'\nReinstall the package.\n",
      });
      const withProxyFile = await runStaged(join(stage, 'dist'), ['list', 'web', '-q', '--no-retry'], remote);
      expect(withProxyFile.stderr).not.toContain('proxy.cjs');
    } finally {
      await emu.close();
    }
  });

  it('dist/conf.cjs is read only to change the config file: without it, a list works and config set says what is wrong', async () => {
    const emu = await startEmulator();
    try {
      const noConf = variant('no-conf', (dir) => rmSync(join(dir, 'conf.cjs')));
      const env = emulatorEnv(emu.url);
      const list = await runStaged(noConf, ['list', 'web'], env);
      expect({ code: list.code, stderr: list.stderr }).toEqual({ code: 0, stderr: 'no triggers in service web.demo\n' });
      const set = await runStaged(noConf, ['config', 'set', 'timeout', '5'], env);
      expect({ code: set.code, stderr: set.stderr }).toEqual({
        code: 1,
        stderr: "Error: cannot load the config writer: Cannot find module './conf.cjs'\nReinstall the package.\n",
      });
      expect((await runStaged(join(stage, 'dist'), ['config', 'set', 'timeout', '5'], env)).code).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it('V8 takes the code cache the build made; without it, or with a damaged one, the CLI still works', async () => {
    const emu = await startEmulator();
    try {
      const env = emulatorEnv(emu.url);
      const noCache = variant('no-cache', (dir) => rmSync(join(dir, 'main.cjs.cache')));
      const damaged = variant('damaged-cache', (dir) => writeFileSync(join(dir, 'main.cjs.cache'), Buffer.alloc(4096, 7)));
      const cases = [
        { dir: join(stage, 'dist'), state: 'accepted' },
        { dir: noCache, state: 'absent' },
        { dir: damaged, state: 'rejected' },
      ];
      const plain = await runStaged(join(stage, 'dist'), ['list', 'web'], env);
      expect(plain.code).toBe(0);
      for (const { dir, state } of cases) {
        const r = await runStaged(dir, ['--debug', 'list', 'web'], env);
        expect({ state, code: r.code, stdout: r.stdout }).toEqual({ state, code: 0, stdout: plain.stdout });
        // After the line that says what is running.
        expect(r.stderr.split('\n')[1]).toBe(`[debug] code cache ${state}`);
      }
      // Said once, also for a subcommand (config show), whose parent command could run it again.
      const config = await runStaged(join(stage, 'dist'), ['--debug', 'config', 'show'], env);
      expect(config.code).toBe(0);
      expect(config.stderr.split('\n').filter((l) => l.startsWith('[debug] code cache'))).toEqual(['[debug] code cache accepted']);
    } finally {
      await emu.close();
    }
  });
});

describe('the source map beside the bundle', () => {
  it("is read for a stack under --debug alone: without it, or with a damaged one, the stack shows the bundle's positions", async () => {
    const args = ['--debug', '--timeout', 'abc', 'list', 'web'];
    const env = emulatorEnv('http://127.0.0.1:9');
    const noMap = variant('no-map', (dir) => rmSync(join(dir, 'main.cjs.map')));
    const damaged = variant('damaged-map', (dir) => writeFileSync(join(dir, 'main.cjs.map'), '{"version":3,'));
    const [mapped, ...unmapped] = await Promise.all([join(stage, 'dist'), noMap, damaged].map((dir) => runStaged(dir, args, env)));
    expect(mapped.stderr).toMatch(/^ +at parseTimeout \(.*\/src\/settings\.ts:\d+:\d+\)$/m);
    for (const [dir, r] of [noMap, damaged].map((d, i) => [d, unmapped[i]] as const)) {
      expect(r.code).toBe(2);
      // The bundle that ran, not the one the code cache was made from.
      expect(r.stderr).toContain(`at parseTimeout (${dir}/main.cjs:`);
      expect(r.stderr).not.toContain('.ts:');
    }
  });
});

/** Every name `trigger <name> --help` is baked for: each command and each alias. */
function commandNames(): string[] {
  const io = memoryIO();
  const program = buildProgram(new Context({ io, env: {} }), version);
  return program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
}

describe('the baked help cannot drift from commander', () => {
  it('the program has the commands this test expects to cover', () => {
    expect(commandNames()).toEqual(
      expect.arrayContaining([
        'list',
        'ls',
        'create',
        'inspect',
        'rm',
        'remove',
        'call',
        'rotate',
        'login',
        'logout',
        'config',
        'completion',
      ]),
    );
  });

  it("`trigger --help` and `trigger <command> --help` of the built CLI equal commander's output", async () => {
    const cases = [
      ['--help'],
      ['-h'],
      ...commandNames().flatMap((name) => [
        [name, '--help'],
        [name, '-h'],
      ]),
    ];
    const env = tempHome();
    const results = await Promise.all(
      cases.map(async (args) => {
        const [built, live] = await Promise.all([spawnCli(args, env), runCli(args, env)]);
        return { args: args.join(' '), built, live };
      }),
    );
    for (const { args, built, live } of results) {
      expect({ args, code: live.code, stderr: live.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(live.stdout).toMatch(/^Usage: trigger/);
      expect({ args, code: built.code, stderr: built.stderr, stdout: built.stdout }).toEqual({
        args,
        code: 0,
        stderr: '',
        stdout: live.stdout,
      });
    }
  });
});
