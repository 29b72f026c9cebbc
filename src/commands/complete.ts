// `trigger __complete -- <word>...`, hidden: what the shell completion scripts ask at each TAB, as
// the scripts of gh and docker (cobra) ask `__complete`. The words are those after `trigger` on the
// command line, the last one being the word to complete ('' after a space). It prints the candidates,
// one a line, `value` or `value<TAB>description`; a line `:files` asks the shell for file names
// after the `@` of the word instead. Commands and options come from the command definitions at each
// TAB, so the scripts cannot drift from them; profiles come from the config file; services and
// triggers from the API, within a short time limit and without retries.
//
// A completion writes on the prompt line: whatever goes wrong (an unknown word, a dead host, bad
// credentials, a broken config file, the time limit), it prints nothing, exits 0 and never asks.
import { Readable, Writable } from 'node:stream';
import type { Command, Option, OptionValues } from '@commander-js/extra-typings';
import type { ApiClient } from '../api/client.js';
import { OPERATIONS } from '../api/types.js';
import type { ConfigData } from '../config/file.js';
import { Context } from '../context.js';
import { safeText, type IO } from '../io.js';
import type { GlobalOptions, Program } from '../program.js';
import { checkIdentifier, resolveService } from '../resolve.js';
import { KEYS } from './config.js';
import { SHELLS } from './completion.js';

type AnyCommand = Command<unknown[], OptionValues, OptionValues>;

/** The longest a completion waits for the API, whatever the request time limit in effect. */
export const COMPLETION_LIMIT_MS = 2000;

export function register(program: Program, ctx: Context): void {
  program
    .command('__complete', { hidden: true })
    .description('Print the completions of a command line (for the shell completion scripts)')
    .argument('[words...]', 'the words after trigger; the last one is completed')
    // Every word after `--` is the command line's, -h included.
    .helpOption(false)
    .allowUnknownOption()
    .action((words) => runComplete(words, program, ctx));
}

interface Candidate {
  value: string;
  description?: string;
}

/** Where the word to complete stands, as the words before it tell. */
interface Position {
  /** The command the words name ('trigger' itself when none). */
  cmd: AnyCommand;
  /** Its arguments so far. */
  operands: string[];
  /** Options given so far, by attribute name, with their values (true for a flag). */
  given: Map<string, string | boolean>;
  /** The option whose value is being completed, if any. */
  valueOf?: Option;
  /** What stays in front of the candidates: `--operation=` when the word is `--operation=SC`. */
  prefix: string;
  /** The word to complete, less the prefix. */
  current: string;
  /** After `--`: no more options. */
  dashes: boolean;
}

const takesValue = (o: Option): boolean => o.required || o.optional;
const named = (o: Option, flag: string): boolean => o.short === flag || o.long === flag;

/** The option a flag names, on the command or one of its parents (global options go anywhere). */
function findOption(cmd: AnyCommand, flag: string): Option | undefined {
  for (let c: AnyCommand | null = cmd; c; c = c.parent) {
    const found = c.options.find((o) => named(o, flag));
    if (found) return found;
  }
  return undefined;
}

const findCommand = (cmd: AnyCommand, word: string): AnyCommand | undefined =>
  (cmd.commands as AnyCommand[]).find((c) => c.name() === word || c.aliases().includes(word));

/** Reads the words as commander would, far enough to know what the last one is. */
function positionOf(program: AnyCommand, words: readonly string[]): Position {
  const before = words.slice(0, -1);
  let current = words.at(-1) ?? '';
  let cmd = program;
  const operands: string[] = [];
  const given = new Map<string, string | boolean>();
  let valueOf: Option | undefined;
  let dashes = false;
  for (let i = 0; i < before.length; i++) {
    const word = before[i];
    if (!dashes && word === '--') {
      dashes = true;
    } else if (!dashes && word.length > 1 && word.startsWith('-')) {
      const long = word.startsWith('--');
      const eq = long ? word.indexOf('=') : -1;
      const option = findOption(cmd, eq > 0 ? word.slice(0, eq) : long ? word : word.slice(0, 2));
      if (!option) continue;
      if (!takesValue(option)) given.set(option.attributeName(), !option.negate);
      else if (eq > 0) given.set(option.attributeName(), word.slice(eq + 1));
      else if (!long && word.length > 2) given.set(option.attributeName(), word.slice(2));
      else if (i + 1 < before.length) given.set(option.attributeName(), before[++i]);
      else valueOf = option;
    } else {
      const sub = operands.length === 0 ? findCommand(cmd, word) : undefined;
      if (sub) cmd = sub;
      else operands.push(word);
    }
  }
  let prefix = '';
  const eq = current.indexOf('=');
  if (!valueOf && !dashes && current.startsWith('--') && eq > 0) {
    const option = findOption(cmd, current.slice(0, eq));
    if (option && takesValue(option)) {
      valueOf = option;
      prefix = current.slice(0, eq + 1);
      current = current.slice(eq + 1);
    }
  }
  return { cmd, operands, given, valueOf, prefix, current, dashes };
}

// --- where candidates come from ------------------------------------------------------------------

interface Sources {
  config(): ConfigData;
  api(): Promise<ApiClient>;
}

interface Source {
  values(p: Position, from: Sources): Candidate[] | Promise<Candidate[]>;
  /** Values that may be typed in any case (operations). */
  caseless?: boolean;
  /** File names, after the `@` of the word. */
  files?: (p: Position) => boolean;
}

const fixed = (values: readonly string[]): Source => ({ values: () => values.map((value) => ({ value })) });

/** Names fit to offer: no quoting needed in any shell, nothing an identifier may not hold. */
const OFFERABLE = /^[\p{L}\p{N}_][\p{L}\p{N}._-]*$/u;

function offerable(name: unknown): name is string {
  if (typeof name !== 'string' || !OFFERABLE.test(name)) return false;
  try {
    checkIdentifier('name', name);
    return true;
  } catch {
    return false;
  }
}

const profiles: Source = {
  values: (_, from) =>
    Object.keys(from.config().profiles ?? {})
      .filter(offerable)
      .map((value) => ({ value })),
};

/**
 * Services by name; by `name.stack` where names repeat (or where the word has a dot), by UUID where a
 * repeated name has no stack to tell it apart. Each carries its stack as description.
 */
const services: Source = {
  async values(p, from) {
    const api = await from.api();
    const all = await api.allServices();
    const counts = new Map<string, number>();
    for (const s of all) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
    // Each stack asked for once; one that cannot be read only leaves its services to be told apart by UUID.
    const stacks = await Promise.all(all.map((s) => api.stackName(s.stack).catch(() => null)));
    return all.flatMap((s, i): Candidate[] => {
      if (!offerable(s.name)) return [];
      const stack = offerable(stacks[i]) ? stacks[i] : undefined;
      const description = stack ? `stack ${stack}` : s.stack ? undefined : 'no stack';
      const unique = counts.get(s.name) === 1;
      const found: Candidate[] = [];
      if (unique) found.push({ value: s.name, description });
      if (stack && (!unique || p.current.includes('.'))) found.push({ value: `${s.name}.${stack}`, description });
      if (!unique && !stack && offerable(s.uuid)) found.push({ value: s.uuid, description: safeText(s.name) });
      return found;
    });
  },
};

/** The triggers of the service named by the first argument, by name, less those named already. */
const triggers: Source = {
  async values(p, from) {
    const [service, ...named] = p.operands;
    if (service === undefined) return [];
    const api = await from.api();
    const { uuid } = await resolveService(api, service);
    const all = await api.allTriggers(uuid);
    return all
      .filter((t) => offerable(t.name) && !named.includes(t.name))
      .map((t) => ({ value: t.name, description: safeText(t.operation) }));
  },
};

/** What the value of each option is, by its long flag. */
const OPTION_VALUES: Record<string, Source> = {
  '--operation': { ...fixed(OPERATIONS), caseless: true },
  '--profile': profiles,
  // `--data @file`: the body is read from a file.
  '--data': { values: () => [], files: (p) => p.current.startsWith('@') },
};

/** What each argument is, by its name in the command definitions. */
const ARGUMENT_VALUES: Record<string, Source> = {
  service: services,
  'service|url': services,
  trigger: triggers,
  shell: fixed(Object.keys(SHELLS)),
  key: fixed(Object.keys(KEYS)),
  profile: profiles,
  // `config set insecure <value>`
  value: { values: (p, from) => (p.operands[0] === 'insecure' ? fixed(['true', 'false']).values(p, from) : []) },
};

// --- the candidates --------------------------------------------------------------------------------

const oneLine = (text: string): string => safeText(text).replace(/\s+/g, ' ').trim();

function optionCandidates(p: Position): Candidate[] {
  const options: Option[] = [];
  for (let c: AnyCommand | null = p.cmd; c; c = c.parent) {
    const visible = c.createHelp().visibleOptions(c);
    // A parent's help option is the command's own.
    options.push(...(c === p.cmd ? visible : visible.filter((o) => !named(o, '--help'))));
  }
  return options
    .filter((o) => o.variadic || !p.given.has(o.attributeName()))
    .flatMap((o) => [o.long, o.short].filter((f): f is string => !!f).map((value) => ({ value, description: oneLine(o.description) })));
}

/** Subcommands by name; by alias only when no name fits the word (`remo` → `remove`). */
function commandCandidates(p: Position): Candidate[] {
  const visible = p.cmd.createHelp().visibleCommands(p.cmd) as AnyCommand[];
  const describe = (c: AnyCommand, value: string): Candidate => ({ value, description: oneLine(c.description()) });
  const names = visible.map((c) => describe(c, c.name()));
  if (names.some((c) => c.value.startsWith(p.current))) return names;
  return visible.flatMap((c) => c.aliases().map((a) => describe(c, a)));
}

/** The source of the word's values, when it is the value of an option or an argument. */
function sourceOf(p: Position): Source | undefined {
  if (p.valueOf) return p.valueOf.long ? OPTION_VALUES[p.valueOf.long] : undefined;
  const args = p.cmd.registeredArguments;
  const arg = args[p.operands.length] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
  return arg ? ARGUMENT_VALUES[arg.name()] : undefined;
}

interface Answer {
  candidates: Candidate[];
  files: boolean;
}

async function answer(p: Position, from: Sources): Promise<Answer> {
  let found: Candidate[];
  let caseless = false;
  if (!p.valueOf && !p.dashes && p.current.startsWith('-')) {
    found = optionCandidates(p);
  } else if (!p.valueOf && p.cmd.commands.length > 0 && p.operands.length === 0) {
    found = commandCandidates(p);
  } else {
    const source = sourceOf(p);
    if (!source) return { candidates: [], files: false };
    if (source.files?.(p)) return { candidates: [], files: true };
    found = await source.values(p, from);
    caseless = !!source.caseless;
  }
  // A word typed in lower case gets its values in lower case: every shell then takes them as matches.
  if (caseless && p.current !== '' && p.current === p.current.toLowerCase())
    found = found.map((c) => ({ ...c, value: c.value.toLowerCase() }));
  const seen = new Set<string>();
  const candidates = found.filter((c) => c.value.startsWith(p.current) && !seen.has(c.value) && seen.add(c.value));
  return { candidates: candidates.map((c) => ({ ...c, value: p.prefix + c.value })), files: false };
}

/**
 * A context of its own for the lookups: it writes nothing, never asks, does not retry, and is done by
 * `deadline` (a credential helper, which blocks the run, is given no longer).
 */
function quietContext(ctx: Context, given: Map<string, string | boolean>, deadline: number): Context {
  const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() });
  const io: IO = {
    stdout: nowhere,
    stderr: nowhere,
    stdin: Readable.from([]),
    isTTY: false,
    stderrTTY: false,
    stdinTTY: false,
    color: false,
  };
  const quiet = new Context({ io, env: ctx.env, deadline });
  const global = (name: string): string | undefined => {
    const v = given.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const globals: Partial<GlobalOptions> = {
    host: global('host'),
    namespace: global('namespace'),
    profile: global('profile'),
    timeout: global('timeout'),
  };
  quiet.globals = { ...globals, insecure: given.get('insecure') === true || undefined, retry: false, color: false };
  return quiet;
}

/** Resolves with what `work` gives within `ms`, else with undefined; never rejects. */
async function within<T>(ms: number, work: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([work().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runComplete(words: string[], program: AnyCommand, ctx: Context): Promise<void> {
  let lines: string[] = [];
  let lookups: Context | undefined;
  try {
    const p = positionOf(program, words);
    const quiet = (lookups = quietContext(ctx, p.given, Date.now() + COMPLETION_LIMIT_MS));
    const from: Sources = { config: () => quiet.config().data, api: () => quiet.api() };
    const found = await within(COMPLETION_LIMIT_MS, () => answer(p, from));
    if (found) {
      lines = found.candidates.map((c) => (c.description ? `${c.value}\t${c.description}` : c.value));
      if (found.files) lines.push(':files');
    }
  } catch {
    lines = [];
  } finally {
    await lookups?.dispose().catch(() => {});
  }
  if (lines.length > 0) ctx.io.stdout.write(`${lines.join('\n')}\n`);
  // Output that cannot be written is one more failure to keep quiet about: taken here, it is not reported.
  await ctx.outputWritten();
}
