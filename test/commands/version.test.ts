// `trigger version`: what is running, for a bug report, like `gh version`; `--version` stays the bare
// number that scripts read.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, spawnCli, tempHome } from '../helpers/cli.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('trigger version', () => {
  it('prints the version of trigger, of Node.js and the platform', async () => {
    const r = await spawnCli(['version'], tempHome());
    expect(r).toEqual({
      code: 0,
      stdout: `trigger ${version}\nNode.js ${process.version} (${process.platform}/${process.arch})\n`,
      stderr: '',
    });
  });

  it('--version and -v still print the version alone', async () => {
    const [long, short] = await Promise.all([spawnCli(['--version'], tempHome()), spawnCli(['-v'], tempHome())]);
    expect(long).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short).toEqual(long);
  });

  it('-v after a command prints the version too', async () => {
    expect(await spawnCli(['list', 'web', '-v'], tempHome())).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('takes no arguments, and has help of its own', async () => {
    const [extra, help] = await Promise.all([spawnCli(['version', 'x'], tempHome()), spawnCli(['help', 'version'], tempHome())]);
    expect(extra.code).toBe(2);
    expect(extra.stderr.split('\n')[0]).toMatch(/^Error: too many arguments for 'version'/);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: trigger version \[options\]\n\nPrint the versions of trigger and Node\.js, and the platform\n/);
  });
});
