// Recognising a request for help, in one place for the start-up path (which answers from help texts
// baked at build time) and for the parser; and the pieces of help text the commands share.

/** Help of the tool ('') and of each command path ('list', 'ls', 'config set'), as commander renders it. */
export type HelpTexts = Record<string, string>;

/** What the start-up path needs to answer help without the parser. */
export interface HelpIndex {
  texts: HelpTexts;
  /** Every option, of any command, that is followed by a value. */
  takesValue: string[];
}

export const SERVICE_ARG = 'service UUID, UUID prefix, name, or name.stack';
export const TRIGGERS_ARG = 'trigger UUIDs, UUID prefixes or names';

/** The examples section of a command's help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

const isHelpFlag = (a: string): boolean => a === '-h' || a === '--help';

/** The words of `args` that are not options or option values, up to `--`. */
export function commandWords(args: readonly string[], takesValue: ReadonlySet<string>): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const a = args[i]!;
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
export function helpRequest(args: readonly string[], commands: ReadonlySet<string>, takesValue: ReadonlySet<string>): HelpRequest | undefined {
  if (args.length === 0) return { path: '' };
  const end = args.indexOf('--') < 0 ? args.length : args.indexOf('--');
  const isGroup = (path: string): boolean => [...commands].some((c) => c.startsWith(path === '' ? '' : `${path} `) && c !== path);
  const dropped = new Set<number>();
  for (let i = 0; i < end; i++) if (isHelpFlag(args[i]!)) dropped.add(i);
  let path = '';
  let unknown = false;
  for (let i = 0; i < end; i++) {
    const a = args[i]!;
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
