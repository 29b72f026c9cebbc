// Running the built CLI at a pseudo-terminal, through util-linux script(1): stdin, stdout and stderr
// are all the terminal, and what is typed goes through its line discipline (Ctrl-C is SIGINT there
// unless the CLI has turned echo and signals off).
import { spawn, spawnSync } from 'node:child_process';
import { TRIGGER_BIN } from './cli.js';
import { recordOutput } from './secrets.js';

/** Whether script(1) is installed; without it, the tests that need a terminal are skipped, saying why. */
export const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
export const NO_SCRIPT = 'skipped: util-linux script(1) is not installed, so there is no pseudo-terminal to run the CLI in';

export interface PtyResult {
  /** The CLI's exit code. */
  code: number;
  /** Everything the terminal showed: the CLI's output and the echo of what was typed. */
  output: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `trigger ARGS` at a pseudo-terminal with exactly `env` (PATH added). Each answer is typed once
 * its text has shown, after the previous answer's; one that waits for '' is typed at once.
 */
export function runInPty(args: string[], env: Record<string, string | undefined>, answers: [string, string][] = []): Promise<PtyResult> {
  return startInPty(args, env, answers).done;
}

/** The same, started: the test types more whenever it chooses, e.g. once a server has had a request. */
export function startInPty(
  args: string[],
  env: Record<string, string | undefined>,
  answers: [string, string][] = [],
): { type(text: string): void; done: Promise<PtyResult> } {
  const command = [process.execPath, TRIGGER_BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env.PATH, SHELL: '/bin/sh', TERM: 'dumb', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let next = 0;
  let from = 0;
  const done = new Promise<PtyResult>((resolve, reject) => {
    const onOutput = (c?: Buffer): void => {
      if (c) output += c.toString('utf8');
      while (next < answers.length) {
        const [shown, typed] = answers[next]!;
        const at = output.indexOf(shown, from);
        if (at < 0) break;
        from = at + shown.length;
        child.stdin.write(typed);
        next++;
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    // An answer that waits for nothing ('') is typed at once.
    onOutput();
    child.on('close', (code) => {
      recordOutput(args, output, '');
      resolve({ code: code ?? -1, output });
    });
  });
  return { type: (text) => void child.stdin.write(text), done };
}

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
