// Start-up cost of the built CLI (src/cli.ts, scripts/build.mjs): `--version` and `--help` are answered
// from baked texts without loading undici, conf, cli-table3 or commander, and the baked help is
// exactly what commander renders from the real command definitions.
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
import { pathToFileURL } from 'node:url';
import { Readable, PassThrough } from 'node:stream';
import { Context } from '../src/context.js';
import { buildProgram } from '../src/program.js';
import { emulatorEnv, ROOT, runCli, spawnCli, tempHome } from './helpers/cli.js';
import { startEmulator } from './helpers/emulator.js';

const run = promisify(execFile);
const HEAVY = ['undici', 'conf', 'cli-table3', 'commander'] as const;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}

let stage: string;
let meta: Metafile;
let hooksPreload: string;

beforeAll(async () => {
  stage = mkdtempSync(join(tmpdir(), 'trigger-startup-'));
  cpSync(join(ROOT, 'src'), join(stage, 'src'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  await run(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--metafile', join(stage, 'meta.json')], { cwd: stage });
  meta = JSON.parse(readFileSync(join(stage, 'meta.json'), 'utf8')) as Metafile;

  // A module hook that logs the URL of every module loaded, to the file LOAD_LOG names.
  writeFileSync(
    join(stage, 'load-hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (process.env.LOAD_LOG) appendFileSync(process.env.LOAD_LOG, url + '\\n');
  return next(url, context);
}
`,
  );
  hooksPreload = join(stage, 'load-log.mjs');
  writeFileSync(hooksPreload, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(stage, 'load-hooks.mjs')).href)});\n`);
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

/** Output files reachable from `entry` through imports of the given kinds. */
function reachable(entry: string, kinds: string[]): Set<string> {
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of meta.outputs[file]?.imports ?? []) {
      if (kinds.includes(imp.kind) && !imp.external && imp.path in meta.outputs) walk(imp.path);
    }
  };
  walk(entry);
  return seen;
}

describe('the static import graph of dist/trigger.js', () => {
  it('the entry point is dist/trigger.js, built from src/cli.ts', () => {
    expect(meta.outputs['dist/trigger.js']?.entryPoint).toBe('src/cli.ts');
  });

  it('reaches no chunk holding undici, conf, cli-table3 or commander', () => {
    const statics = reachable('dist/trigger.js', ['import-statement']);
    const offending = [...statics].flatMap((file) => heavyPackagesOf(file).map((p) => `${file} holds ${p}`));
    expect(offending).toEqual([]);
  });

  it('those packages are in the bundle, behind dynamic imports (so the check above is not vacuous)', () => {
    const all = reachable('dist/trigger.js', ['import-statement', 'dynamic-import']);
    const found = new Set([...all].flatMap(heavyPackagesOf));
    expect([...found].sort()).toEqual([...HEAVY].sort());
  });
});

interface Traced {
  code: number;
  stdout: string;
  stderr: string;
  /** Output files of the staged dist/ that were loaded, e.g. 'dist/chunks/main-XXXX.js'. */
  loaded: string[];
}

/** Runs the staged build's dist/trigger.js with the module hook, listing every dist file it loaded. */
function traced(args: string[], env: Record<string, string> = {}): Promise<Traced> {
  const log = join(stage, `load-${Math.random().toString(36).slice(2)}.log`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(hooksPreload).href, join(stage, 'dist/trigger.js'), ...args], {
      env: { PATH: process.env.PATH, ...tempHome(), ...env, LOAD_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        // nothing was loaded through the hook
      }
      const prefix = pathToFileURL(stage).href + '/';
      const loaded = text
        .split('\n')
        .filter((u) => u.startsWith(prefix))
        .map((u) => u.slice(prefix.length));
      resolve({ code: code ?? -1, stdout, stderr, loaded });
    });
  });
}

const heavyLoaded = (t: Traced): string[] => t.loaded.flatMap((f) => heavyPackagesOf(f).map((p) => `${f} (${p})`));
/** Loaded files that are not in the static import graph of the entry point: dynamic imports. */
const dynamicLoaded = (t: Traced): string[] => {
  const statics = reachable('dist/trigger.js', ['import-statement']);
  return t.loaded.filter((f) => !statics.has(f));
};

describe('what the built CLI loads at run time', () => {
  it('--version loads none of undici, conf, cli-table3, commander', async () => {
    for (const flag of ['--version', '-v']) {
      const t = await traced([flag]);
      expect(t.stderr).toBe('');
      expect(t.code).toBe(0);
      expect(t.stdout).toBe(`${version}\n`);
      expect(t.loaded).toContain('dist/trigger.js');
      expect(heavyLoaded(t)).toEqual([]);
      expect(dynamicLoaded(t)).toEqual([]);
    }
  });

  it('--help and <command> --help load none of them', async () => {
    for (const args of [['--help'], ['-h'], ['list', '--help'], ['rm', '-h'], ['config', '--help']]) {
      const t = await traced(args);
      expect(t.stderr).toBe('');
      expect(t.code).toBe(0);
      expect(t.stdout).toMatch(/^Usage: trigger/);
      expect(heavyLoaded(t)).toEqual([]);
      expect(dynamicLoaded(t)).toEqual([]);
    }
  });

  it('commands that need them do load them (the module log sees every chunk)', async () => {
    const emu = await startEmulator();
    try {
      const env = emulatorEnv(emu.url);
      const list = await traced(['list', 'web'], env);
      expect(list.stderr).toBe('');
      expect(list.code).toBe(0);
      // conf is loaded to write the config file
      const config = await traced(['config', 'set', 'timeout', '12'], env);
      expect(config.stderr).toBe('');
      expect(config.code).toBe(0);
      expect(dynamicLoaded(list).length).toBeGreaterThan(0);
      const seen = new Set([...list.loaded, ...config.loaded].flatMap(heavyPackagesOf));
      expect([...seen].sort()).toEqual([...HEAVY].sort());
    } finally {
      await emu.close();
    }
  });
});

/** Every name `trigger <name> --help` is baked for: each command and each alias. */
function commandNames(): string[] {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), isTTY: false, stderrTTY: false, stdinTTY: false, color: false };
  const program = buildProgram(new Context({ io, env: {} }), version);
  return program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
}

describe('the baked help cannot drift from commander', () => {
  it('the program has the commands this test expects to cover', () => {
    expect(commandNames()).toEqual(expect.arrayContaining(['list', 'ls', 'create', 'inspect', 'rm', 'remove', 'call', 'rotate', 'login', 'logout', 'config', 'completion']));
  });

  it('`trigger --help` and `trigger <command> --help` of the built CLI equal commander\'s output', async () => {
    const cases = [['--help'], ['-h'], ...commandNames().flatMap((name) => [[name, '--help'], [name, '-h']])];
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
      expect({ args, code: built.code, stderr: built.stderr, stdout: built.stdout }).toEqual({ args, code: 0, stderr: '', stdout: live.stdout });
    }
  });
});
