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
  /** '' for the tool, else the command path asked about. */
  path: string;
  /** False when the first word is not a command: that is an error, not help. */
  known: boolean;
}

/**
 * The help `args` ask for, like gh and docker: no arguments at all, `help [command]`, a help flag
 * anywhere (before `--`), for the command its words name, or a command that only groups others
 * (`trigger config`). Undefined when `args` ask for something else.
 */
export function helpRequest(args: readonly string[], commands: ReadonlySet<string>, takesValue: ReadonlySet<string>): HelpRequest | undefined {
  if (args.length === 0) return { path: '', known: true };
  const end = args.indexOf('--');
  const flagged = (end < 0 ? args : args.slice(0, end)).some(isHelpFlag);
  let words = commandWords(args, takesValue);
  const helpWord = words[0] === 'help';
  if (helpWord) words = words.slice(1);
  let path = '';
  for (const w of words) {
    const next = path ? `${path} ${w}` : w;
    if (!commands.has(next)) break;
    path = next;
  }
  const groups = path !== '' && [...commands].some((c) => c.startsWith(`${path} `));
  if (helpWord || flagged) return path === '' && words.length > 0 ? { path: words[0]!, known: false } : { path, known: true };
  return groups && path.split(' ').length === words.length ? { path, known: true } : undefined;
}
