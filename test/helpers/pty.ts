// Running the built CLI at a real pseudo-terminal of a given size, through util-linux script(1).
import { spawn, spawnSync } from 'node:child_process';
import { TRIGGER_BIN } from './cli.js';
import { recordOutput } from './secrets.js';

/** Whether script(1) is there to make a pseudo-terminal; tests that need one are skipped without it, saying so. */
export const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
export const NO_SCRIPT_REASON = 'util-linux script(1) is not installed: no pseudo-terminal to run the CLI in';

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Runs `trigger ARGS` in a pseudo-terminal of `columns` columns, stdout and stderr both on it unless
 * `redirect` (shell text such as `| cat` or `2>FILE`) sends one elsewhere. Returns what the terminal
 * showed, with its CRLF line ends made LF, and the exit code.
 */
export function runInTerminal(
  args: string[],
  opts: { columns: number; env?: Record<string, string | undefined>; redirect?: string },
): Promise<{ code: number; output: string }> {
  const trigger = [process.execPath, TRIGGER_BIN, ...args].map(quote).join(' ');
  const command = `stty cols ${opts.columns} rows 40; exec ${trigger} ${opts.redirect ?? ''}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env.PATH, SHELL: '/bin/sh', TERM: 'xterm-256color', ...opts.env } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8').replaceAll('\r\n', '\n');
      recordOutput(args, output, '');
      resolve({ code: code ?? -1, output });
    });
  });
}
