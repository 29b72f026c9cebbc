// Running the built CLI at a pseudo-terminal, through util-linux script(1): stdin, stdout and stderr
// are all the terminal, of the size the test asks for, and what is typed goes through its line
// discipline (Ctrl-C is SIGINT there unless the CLI has turned echo and signals off). Where script(1)
// is missing, the tests that need it are skipped, saying why (describeInPty).
import { spawn, spawnSync } from 'node:child_process';
import { describe } from 'vitest';
import { TRIGGER_BIN } from './cli.js';
import { recordOutput } from './secrets.js';

/** Whether script(1) is installed. */
export const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
export const NO_SCRIPT = 'skipped: util-linux script(1) is not installed, so there is no pseudo-terminal to run the CLI in';

/** A describe block of pseudo-terminal tests: skipped, its title saying why, where script(1) is missing. */
export function describeInPty(title: string, tests: () => void): void {
  describe.skipIf(!HAS_SCRIPT)(HAS_SCRIPT ? title : `${title} (${NO_SCRIPT})`, tests);
}

export interface PtyOptions {
  /** Size of the terminal: 80 columns and 30 rows unless given. */
  columns?: number;
  rows?: number;
  /** The whole environment besides PATH and SHELL; TERM is xterm-256color unless given. */
  env?: Record<string, string | undefined>;
  /** Each answer is typed once its text has shown, after the previous answer's; one that waits for '' is typed at once. */
  answers?: [shown: string, typed: string][];
  /** Shell text after the command, such as `| cat` or `2>FILE`, to send stdout or stderr elsewhere. */
  redirect?: string;
}

export interface PtyResult {
  /** The CLI's exit code. */
  code: number;
  /** Everything the terminal showed, as it showed it (CRLF line ends): the output and the echo of what was typed. */
  output: string;
  /** The same with its line ends made LF. */
  text: string;
}

export interface PtyRun {
  /** Types at the terminal. */
  type(text: string): void;
  /** Sends a signal to script(1), which takes the terminal and the CLI with it. */
  kill(signal?: NodeJS.Signals): void;
  /** What the terminal showed so far. */
  output(): string;
  /** Resolves once `ready` holds for what the terminal showed so far; rejects when the run ends first. */
  waitForOutput(ready: (output: string) => boolean): Promise<void>;
  done: Promise<PtyResult>;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `trigger ARGS` at a pseudo-terminal; the test types, waits and signals as it chooses. */
export function startInPty(args: string[], opts: PtyOptions = {}): PtyRun {
  const trigger = [process.execPath, TRIGGER_BIN, ...args].map(quote).join(' ');
  const command = `stty cols ${opts.columns ?? 80} rows ${opts.rows ?? 30}; exec ${trigger} ${opts.redirect ?? ''}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env.PATH, SHELL: '/bin/sh', TERM: 'xterm-256color', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const answers = opts.answers ?? [];
  let output = '';
  let next = 0;
  let from = 0;
  let ended = false;
  const watchers = new Set<() => void>();
  const onOutput = (c?: Buffer): void => {
    if (c) output += c.toString('utf8');
    while (next < answers.length) {
      const [shown, typed] = answers[next];
      const at = output.indexOf(shown, from);
      if (at < 0) break;
      from = at + shown.length;
      child.stdin.write(typed);
      next++;
    }
    for (const w of watchers) w();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  onOutput();
  const done = new Promise<PtyResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      ended = true;
      for (const w of watchers) w();
      recordOutput(args, output, '');
      resolve({ code: code ?? -1, output, text: output.replaceAll('\r\n', '\n') });
    });
  });
  const waitForOutput = (ready: (output: string) => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (ready(output)) resolve();
        else if (ended) reject(new Error(`the CLI ended first:\n${output}`));
        else return;
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });
  return {
    type: (text) => void child.stdin.write(text),
    kill: (signal = 'SIGKILL') => void child.kill(signal),
    output: () => output,
    waitForOutput,
    done,
  };
}

/** Runs `trigger ARGS` at a pseudo-terminal to its end. */
export function runInPty(args: string[], opts: PtyOptions = {}): Promise<PtyResult> {
  return startInPty(args, opts).done;
}
