// The streams a command writes to, the decisions that depend on the terminal, and the neutraliser of
// text that others chose.
import type { Readable, Writable } from 'node:stream';
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
