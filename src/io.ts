// What a run gets from its process: the streams a command writes to, the decisions that depend on the
// terminal, the signals that interrupt it; and the neutraliser of text that others chose.
import { fstatSync, writeSync } from 'node:fs';
import { Writable, type Readable } from 'node:stream';
import { CliError, SIGNAL_EXIT, type Interrupt } from './errors.js';
import { jsonText } from './output/json.js';

export interface IO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** stdout is a terminal: tables may be fitted to its width and coloured. */
  isTTY: boolean;
  /** stderr is a terminal: spinners and prompts may be drawn there. */
  stderrTTY: boolean;
  stdinTTY: boolean;
  color: boolean;
  /** Width of the terminal, or undefined when stdout is not one. */
  columns?: number;
}

/** Colour when forced, else when stdout is a TTY and neither NO_COLOR nor --no-color is set. */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

/**
 * The run's stdout. Node writes a terminal, a pipe or a socket in full; anything else (a file, a
 * device) with one write each, dropping what a short write left out: that gets a stream that writes
 * every byte instead.
 */
export function processStdout(): Writable {
  const out = process.stdout;
  if (out.isTTY) return out;
  try {
    const stat = fstatSync(1);
    return stat.isFIFO() || stat.isSocket() ? out : new WholeWrites(1);
  } catch {
    return out;
  }
}

/**
 * Writes each chunk to the descriptor in full: a short write (a disk that fills up, a file size
 * limit) is followed by the rest, which then fails and says why. EAGAIN (a descriptor another
 * process made non-blocking) is waited out. The first error ends the stream, which emits it.
 */
export class WholeWrites extends Writable {
  constructor(private readonly fd: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.writeFrom(chunk, 0, done);
  }

  private writeFrom(chunk: Buffer, offset: number, done: (err?: Error | null) => void): void {
    while (offset < chunk.length) {
      try {
        offset += writeSync(this.fd, chunk, offset);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EINTR') continue;
        if (code === 'EAGAIN') return void setTimeout(() => this.writeFrom(chunk, offset, done), 1);
        return done(err as Error);
      }
    }
    done();
  }
}

export function processIO(): IO {
  const out = process.stdout;
  return {
    stdout: processStdout(),
    stderr: process.stderr,
    // Made on first use: process.stdin builds a stream (for a file, one that loads fs/promises and
    // readline) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    isTTY: !!out.isTTY,
    stderrTTY: !!process.stderr.isTTY,
    get stdinTTY() {
      return !!process.stdin.isTTY;
    },
    color: false,
    columns: out.isTTY ? out.columns : undefined,
  };
}

/**
 * Starts turning SIGINT and SIGTERM into the returned AbortSignal, whose reason is the signal's name.
 * `lastWords`, when given (the latest one counts), runs before a second signal ends the run at once.
 */
export type Interrupts = (lastWords?: (signal: Interrupt) => void) => AbortSignal;

/**
 * The process's interrupts. Nothing changes until a command asks for them: until then a signal ends
 * the run as it always did. From then on the first signal aborts the signal, and a second one ends
 * the run at once, after the last words of the command, if it has any.
 */
export function processInterrupts(): Interrupts {
  let controller: AbortController | undefined;
  let last: ((signal: Interrupt) => void) | undefined;
  return (lastWords) => {
    last = lastWords ?? last;
    if (!controller) {
      const c = (controller = new AbortController());
      for (const name of Object.keys(SIGNAL_EXIT) as Interrupt[]) {
        process.on(name, () => {
          if (!c.signal.aborted) return c.abort(name);
          last?.(name);
          process.exit(SIGNAL_EXIT[name]);
        });
      }
    }
    return controller.signal;
  };
}

// --- failed writes ---

/** Why a write failed, in words, for the errors a full or broken device gives. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is too large',
  EIO: 'input/output error',
  EBADF: 'standard output is not open for writing',
};

/**
 * The error to report for a failed write to stdout, or undefined when there is none to report: a
 * reader that went away (`trigger list | head -1`) is not an error, what is left to print is dropped.
 */
function outputFailure(err: unknown): CliError | undefined {
  if (!err) return undefined;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return undefined;
  return new CliError(
    `cannot write the output: ${WRITE_ERRORS[code] ?? (err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error')}`,
  );
}

/**
 * Follows the writes to `stream` (a run's stdout). The function it returns resolves, once everything
 * written so far has been handed to the system, with the error to report for the first write that
 * failed, if any. That error goes to one caller alone, who reports it or has a reason not to.
 */
export function watchOutput(stream: Writable): () => Promise<CliError | undefined> {
  let first: unknown;
  let taken = false;
  stream.on('error', (err) => {
    first ??= err;
  });
  return () =>
    new Promise((resolve) => {
      const settle = (err?: unknown): void => {
        const failure = taken ? undefined : outputFailure(first ?? stream.errored ?? err);
        taken ||= !!failure;
        resolve(failure);
      };
      if (stream.destroyed) settle();
      else stream.write('', settle);
    });
}

// --- the neutraliser ---

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Whether text holds control characters (C0, DEL, C1), terminal escapes among them. */
export function hasControlChars(text: string): boolean {
  return CONTROL.test(text);
}

/** Text with every control character replaced by `replacement`. */
export function withoutControlChars(text: string, replacement = '\uFFFD'): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, replacement) : text;
}

/**
 * A field of an answer as text: a string as it is; anything else (null, a number, an object) as its
 * JSON text; a missing one as nothing.
 */
export function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : jsonText(value);
}

/**
 * The neutraliser of every message and table cell that can hold text the server (or a file) chose:
 * the field's text with every control character replaced, so it cannot move the cursor, retitle
 * the terminal or start a new line.
 */
export function safeText(value: unknown): string {
  return withoutControlChars(fieldText(value));
}
