// The streams a command writes to, and the decisions that depend on the terminal.
import type { Readable, Writable } from 'node:stream';

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

export function processIO(): IO {
  const out = process.stdout;
  return {
    stdout: out,
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

/** Removes control characters (terminal escapes among them) from text the server chose. */
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

export function safeText(value: unknown): string {
  return withoutControlChars(String(value ?? ''));
}

