export type HelpTexts = Record<string, string>;

/**
 * The key of a plain help request (no arguments at all, `--help`, `<command> --help`), or undefined
 * for anything else.
 */
export function helpKey(args: string[]): string | undefined {
  const isHelp = (a: string | undefined): boolean => a === '--help' || a === '-h';
  if (args.length === 0 || (args.length === 1 && isHelp(args[0]))) return '';
  if (args.length === 2 && isHelp(args[1]) && /^[a-z]+$/.test(args[0]!)) return args[0];
  return undefined;
}
