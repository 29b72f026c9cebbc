// Recognising a request for help, in one place for the start-up path (which answers from help texts
// baked at build time) and for the parser; and the layout of help text, which the commands share.
import type { AddHelpTextContext } from '@commander-js/extra-typings';

/** Help of the tool ('') and of each command path ('list', 'ls', 'config set'), as commander renders it. */
type HelpTexts = Record<string, string>;

/** What the start-up path needs to answer help without the parser. */
export interface HelpIndex {
  texts: HelpTexts;
  /** Every option, of any command, that is followed by a value. */
  takesValue: string[];
}

export const SERVICE_ARG = 'service UUID, UUID prefix, name, or name.stack';
export const TRIGGERS_ARG = 'trigger UUIDs, UUID prefixes or names';
export const SERVICE_OR_URL_ARG = `${SERVICE_ARG}; or the call URL of a trigger`;
/** The call URL of a trigger in examples. */
export const EXAMPLE_URL = 'https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/';

// --- layout: help fits the width of the terminal it is shown on, 80 columns elsewhere ---

/** Width of help that is not shown on a terminal (and of the texts baked for it). */
export const HELP_WIDTH = 80;
/**
 * The narrowest a column of descriptions beside their terms may be: 40 columns, or half the width on
 * a narrower terminal. Narrower, each description goes on lines of its own under its term.
 */
const minDescriptionWidth = (width: number): number => Math.min(40, width / 2);
const ITEM_INDENT = '  ';
const UNDER_TERM_INDENT = '      ';

/**
 * `text` wrapped at spaces into lines of at most `width` columns, the lines after the first of each
 * paragraph starting with `indent`. A word longer than a line is cut; line breaks are kept.
 */
export function wrap(text: string, width: number, indent = ''): string {
  if (width - indent.length < 10) indent = '';
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const chunk of paragraph.match(/\s*\S+/g) ?? ['']) {
      if (line.length + chunk.length <= width) {
        line += chunk;
        continue;
      }
      let word = chunk.trimStart();
      if (line.trim() !== '') {
        out.push(line);
        line = indent;
      } else {
        // Nothing but the paragraph's own indentation yet: it stays.
        line += chunk.slice(0, chunk.length - word.length);
        if (line.length >= width) line = '';
      }
      // A word no line can hold is cut.
      for (let fits = width - line.length; word.length > fits; fits = width - line.length) {
        out.push(line + word.slice(0, fits));
        word = word.slice(fits);
        line = indent;
      }
      line += word;
    }
    out.push(line);
  }
  return out.join('\n');
}

/**
 * One term of a list (an option, an argument, a command) with its description: beside the term,
 * wrapped in a column of its own, when that column is wide enough; else on lines of their own under it.
 */
export function formatItem(term: string, termWidth: number, description: string, width: number): string {
  const column = ITEM_INDENT.length + termWidth + 2;
  if (!description) return wrap(ITEM_INDENT + term, width, UNDER_TERM_INDENT);
  if (width - column >= minDescriptionWidth(width)) {
    return wrap(`${ITEM_INDENT}${term.padEnd(termWidth)}  ${description}`, width, ' '.repeat(column));
  }
  return `${wrap(ITEM_INDENT + term, width, UNDER_TERM_INDENT)}\n${wrap(UNDER_TERM_INDENT + description, width, UNDER_TERM_INDENT)}`;
}

/** A titled list of terms and descriptions laid out like the lists commander makes. */
export function formatSection(title: string, items: readonly (readonly [string, string])[], width: number): string {
  const termWidth = Math.max(...items.map(([term]) => term.length));
  return [title, ...items.map(([term, description]) => formatItem(term, termWidth, description, width))].join('\n');
}

/** The width the help of `command` is laid out for. */
const helpWidthOf = (command: AddHelpTextContext['command']): number => command.configureHelp().helpWidth ?? HELP_WIDTH;

/** The examples section of a command's help, each example wrapped at spaces to the help's width. */
export function examples(lines: string[]): (context: AddHelpTextContext) => string {
  return ({ command }) => `\nExamples:\n${lines.map((l) => wrap(`  $ ${l}`, helpWidthOf(command), UNDER_TERM_INDENT)).join('\n')}\n`;
}

const isHelpFlag = (a: string): boolean => a === '-h' || a === '--help';

/** The words of `args` that are not options or option values, up to `--`. */
export function commandWords(args: readonly string[], takesValue: ReadonlySet<string>): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') words.push(a);
    else if (takesValue.has(a)) i++;
  }
  return words;
}

export interface HelpRequest {
  /** The command whose help to show: '' for the tool, else its path ('list', 'config set'). */
  path: string;
  /**
   * Set when the help asks about a command that does not exist: the arguments to parse instead,
   * without what asked for help, so that the parser reports the unknown command with its suggestions.
   */
  parse?: string[];
}

/**
 * The help `args` ask for, like gh and docker: no arguments at all, `help [command]` (also after a
 * command that groups others: `trigger config help set`), a help flag anywhere before `--`, for the
 * command its words name, or a command that groups others named alone (`trigger config`). Undefined
 * when `args` ask for something else.
 */
export function helpRequest(
  args: readonly string[],
  commands: ReadonlySet<string>,
  takesValue: ReadonlySet<string>,
): HelpRequest | undefined {
  if (args.length === 0) return { path: '' };
  const end = args.indexOf('--') < 0 ? args.length : args.indexOf('--');
  const isGroup = (path: string): boolean => [...commands].some((c) => c.startsWith(path === '' ? '' : `${path} `) && c !== path);
  const dropped = new Set<number>();
  for (let i = 0; i < end; i++) if (isHelpFlag(args[i])) dropped.add(i);
  let path = '';
  let unknown = false;
  for (let i = 0; i < end; i++) {
    const a = args[i];
    if (a.startsWith('-') && a !== '-') {
      if (takesValue.has(a)) i++;
      continue;
    }
    if (!isGroup(path)) break;
    if (a === 'help') {
      dropped.add(i);
      continue;
    }
    const next = path === '' ? a : `${path} ${a}`;
    if (!commands.has(next)) {
      unknown = true;
      break;
    }
    path = next;
  }
  if (dropped.size === 0) return path !== '' && isGroup(path) && !unknown ? { path } : undefined;
  return unknown ? { path, parse: args.filter((_, i) => !dropped.has(i)) } : { path };
}
