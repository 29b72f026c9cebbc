// `trigger completion bash|zsh|fish`: the scripts, loaded into the real shells, complete through the
// built CLI against the emulator on loopback. bash runs its completion function as readline would
// call it (COMP_LINE, COMP_WORDS split at = : @ as bash splits them); fish through its own engine
// (`complete -C`); zsh with compsys' functions replaced by ones that print what they were given,
// since compadd works only inside a line editor. zsh and fish are skipped, saying so, where missing.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, spawnCli, TRIGGER_BIN, type Result } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { deadPort } from '../helpers/net.js';
import { recordOutput } from '../helpers/secrets.js';

const installed = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' }).status === 0;
const HAS_ZSH = installed('zsh');
const HAS_FISH = installed('fish');

let emu: RunningEmulator;
let env: Record<string, string>;
let deadEnv: Record<string, string>;
let deadHost: string;
/** A folder with files for `--data @file`: the shells run in it. */
let cwd: string;

beforeAll(async () => {
  emu = await startEmulator({
    seed: [
      {
        name: 'web',
        stack: 'demo',
        triggers: [
          { name: 'deploy-hook', operation: 'REDEPLOY' },
          { name: 'scale-hook', operation: 'SCALEUP' },
        ],
      },
      { name: 'worker', stack: 'demo' },
    ],
  });
  env = emulatorEnv(emu.url);
  deadHost = `http://127.0.0.1:${await deadPort()}/`;
  deadEnv = { ...env, DOCKERCLOUD_REST_HOST: deadHost };
  cwd = mkdtempSync(join(tmpdir(), 'trigger-completion-'));
  writeFileSync(join(cwd, 'body.json'), '{}');
  mkdirSync(join(cwd, 'bodies'));
  writeFileSync(join(cwd, 'other.txt'), '');
});

afterAll(async () => {
  await emu?.close();
});

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs `script` in `shell`, in the folder of files, with `trigger` the built CLI. */
function runShell(shell: string, args: string[], script: string, runEnv: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(shell, [...args, script], { cwd, env: { PATH: process.env.PATH, ...runEnv } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      recordOutput([shell, ...args], stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

async function scriptFor(shell: string): Promise<string> {
  const r = await spawnCli(['completion', shell], {});
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout;
}

/** The lines each shell printed, after checking that it printed nothing on stderr and exited 0. */
function lines(r: Result): string[] {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout.replace(/\n$/, '').split('\n');
}

describe('bash', () => {
  /**
   * Completes each line as readline would: COMP_LINE as typed, COMP_WORDS as bash splits it (at
   * white space, and around = : @), the cursor at the end. Prints each COMPREPLY joined with '|'.
   */
  async function complete(cases: [line: string, words: string[]][], runEnv = env): Promise<string[]> {
    const script = [
      `trigger() { ${quote(process.execPath)} ${quote(TRIGGER_BIN)} "$@"; }`,
      'source <(trigger completion bash) || exit 9',
      'complete -p trigger',
      'c() { COMP_LINE="$1"; COMP_POINT=${#1}; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _trigger; local IFS="|"; echo "${COMPREPLY[*]}"; }',
      ...cases.map(([line, words]) => `c ${[line, ...words].map(quote).join(' ')}`),
    ].join('\n');
    const out = lines(await runShell('bash', ['-c'], script, runEnv));
    // No -o default: where nothing completes, no file names are offered either.
    expect(out[0]).toBe('complete -F _trigger trigger');
    return out.slice(1);
  }

  it('completes option values, commands and options as plain words', async () => {
    expect(
      await complete([
        ['trigger completion ', ['trigger', 'completion', '']],
        ['trigger create web -o ', ['trigger', 'create', 'web', '-o', '']],
        ['trigger create web -o sc', ['trigger', 'create', 'web', '-o', 'sc']],
        ['trigger l', ['trigger', 'l']],
        ['trigger list --no-h', ['trigger', 'list', '--no-h']],
        ['trigger --profile work config s', ['trigger', '--profile', 'work', 'config', 's']],
      ]),
    ).toEqual(['bash|zsh|fish', 'REDEPLOY|SCALEUP', 'scaleup', 'list|login|logout', '--no-header', 'show|set']);
  });

  it('--option=value: bash splits the word at =; what follows it is completed', async () => {
    expect(
      await complete([
        ['trigger create web --operation=', ['trigger', 'create', 'web', '--operation', '=']],
        ['trigger create web --operation=S', ['trigger', 'create', 'web', '--operation', '=', 'S']],
      ]),
    ).toEqual(['REDEPLOY|SCALEUP', 'SCALEUP']);
  });

  it('services and triggers from the API, with the --host typed on the line (split at = and :) in effect', async () => {
    const host = `${emu.url}/`;
    const split = ['--host', '=', 'http', ':', `//${new URL(host).hostname}`, ':', `${new URL(host).port}/`];
    expect(
      await complete(
        [
          [`trigger --host=${host} list `, ['trigger', ...split, 'list', '']],
          [`trigger --host=${host} call web `, ['trigger', ...split, 'call', 'web', '']],
          [`trigger --host=${host} rm web deploy-hook `, ['trigger', ...split, 'rm', 'web', 'deploy-hook', '']],
          // The host in effect otherwise refuses connections: nothing, silently.
          ['trigger call web ', ['trigger', 'call', 'web', '']],
        ],
        deadEnv,
      ),
    ).toEqual(['web|worker', 'deploy-hook|scale-hook', 'scale-hook', '']);
  });

  it('--data @file: file names after the @, a folder with its slash', async () => {
    const files = await complete([
      ['trigger call web h --data @bo', ['trigger', 'call', 'web', 'h', '--data', '@', 'bo']],
      ['trigger call web h --data=@bod', ['trigger', 'call', 'web', 'h', '--data', '=@', 'bod']],
      ['trigger call web h --data @bodi', ['trigger', 'call', 'web', 'h', '--data', '@', 'bodi']],
      ['trigger call web h --data ', ['trigger', 'call', 'web', 'h', '--data', '']],
    ]);
    expect(files.map((f) => f.split('|').sort().join('|'))).toEqual(['@bodies/|@body.json', '@bodies/|@body.json', '@bodies/', '']);
  });
});

describe.skipIf(!HAS_ZSH)(HAS_ZSH ? 'zsh' : 'zsh (skipped: zsh is not installed)', () => {
  // compsys' functions, replaced by ones that print what the script hands them.
  const STUBS = [
    `trigger() { ${quote(process.execPath)} ${quote(TRIGGER_BIN)} "$@"; }`,
    'compdef() { print -r -- "compdef $*"; }',
    '_describe() { print -rl -- "${(@P)${@[-1]}}"; }',
    '_files() { print -r -- "files $PREFIX"; }',
    'compset() { [[ $1 == -P ]] && PREFIX=${PREFIX#*@}; }',
    'c() { words=("$@"); CURRENT=$#; PREFIX=$words[-1]; _trigger; print -r -- "--"; }',
  ].join('\n');

  it('zsh -n accepts the script', async () => {
    const file = join(cwd, '_trigger');
    writeFileSync(file, await scriptFor('zsh'));
    expect(lines(await runShell('zsh', ['-n'], file, {}))).toEqual(['']);
  });

  it('sourced, it registers _trigger; candidates carry their descriptions', async () => {
    writeFileSync(join(cwd, 'trigger.zsh'), await scriptFor('zsh'));
    const script = [
      STUBS,
      'source ./trigger.zsh',
      "c trigger create web -o ''",
      "c trigger call web ''",
      'c trigger co',
      "c trigger --host=http://127.0.0.1:1/ list ''",
      'c trigger call web h --data @bo',
    ].join('\n');
    expect(lines(await runShell('zsh', ['-f', '-c'], script, env))).toEqual([
      'compdef _trigger trigger',
      'REDEPLOY',
      'SCALEUP',
      '--',
      'deploy-hook:REDEPLOY',
      'scale-hook:SCALEUP',
      '--',
      'config:Show or change the settings of the profile',
      'completion:Print a shell completion script for bash, zsh or fish',
      '--',
      '--',
      'files bo',
      '--',
    ]);
  });

  it('saved as _trigger in a folder of $fpath, it completes when autoloaded', async () => {
    const dir = join(cwd, 'zfunc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '_trigger'), await scriptFor('zsh'));
    const script = [STUBS, `fpath=(${quote(dir)} $fpath)`, 'autoload -Uz _trigger', "c trigger completion ''"].join('\n');
    expect(lines(await runShell('zsh', ['-f', '-c'], script, env))).toEqual(['bash', 'zsh', 'fish', '--']);
  });
});

describe.skipIf(!HAS_FISH)(HAS_FISH ? 'fish' : 'fish (skipped: fish is not installed)', () => {
  it('fish -n accepts the script', async () => {
    const file = join(cwd, 'trigger.fish');
    writeFileSync(file, await scriptFor('fish'));
    expect(lines(await runShell('fish', ['-n'], file, {}))).toEqual(['']);
  });

  it("fish's own completion engine offers the candidates with their descriptions", async () => {
    writeFileSync(join(cwd, 'trigger.fish'), await scriptFor('fish'));
    const complete = (line: string): string => `complete -C ${quote(line)}; echo ==`;
    const script = [
      `function trigger; ${quote(process.execPath)} ${quote(TRIGGER_BIN)} $argv; end`,
      'source ./trigger.fish',
      complete('trigger create web -o '),
      complete('trigger call web '),
      complete('trigger comp'),
      complete('trigger create web --operation=S'),
      complete('trigger call web h --data @bod'),
      complete(`trigger --host ${deadHost} list `),
    ].join('\n');
    expect(lines(await runShell('fish', ['--no-config', '-c'], script, env))).toEqual([
      'REDEPLOY',
      'SCALEUP',
      '==',
      'deploy-hook\tREDEPLOY',
      'scale-hook\tSCALEUP',
      '==',
      'completion\tPrint a shell completion script for bash, zsh or fish',
      '==',
      '--operation=SCALEUP',
      '==',
      '@bodies/',
      '@body.json',
      '==',
      '==',
    ]);
  });
});

describe('trigger completion', () => {
  it('an unknown shell is a usage error, exit 2', async () => {
    const bad = await spawnCli(['completion', 'tcsh'], {});
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^Error: unknown shell 'tcsh': use bash, zsh or fish\n/);
  });
});

describe('trigger completion: a shell it does not know is repeated cut short', () => {
  it('a 100 KB name: one line with its first 79 characters and …, exit 2', async () => {
    const r = await spawnCli(['completion', 's'.repeat(100_000)], {});
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr.split('\n')[0]).toBe(`Error: unknown shell '${'s'.repeat(79)}…': use bash, zsh or fish`);
    expect(r.stderr.length).toBeLessThan(300);
  });
});
