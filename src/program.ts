// The command line: the root command, its global options and the list of commands. Each command
// defines itself (arguments, options, help and action) in src/commands/<verb>.ts.
import { Command, Help, Option, type CommanderError, type HelpConfiguration, type OptionValues } from '@commander-js/extra-typings';
import type { Context } from './context.js';
import { EXIT_CODE_MEANINGS, UsageError } from './errors.js';
import { examples, formatItem, formatSection, HELP_WIDTH, wrap } from './help.js';
import { clip } from './settings.js';
import { didYouMean } from './suggest.js';
import * as call from './commands/call.js';
import * as complete from './commands/complete.js';
import * as completion from './commands/completion.js';
import * as config from './commands/config.js';
import * as create from './commands/create.js';
import * as inspect from './commands/inspect.js';
import * as list from './commands/list.js';
import * as login from './commands/login.js';
import * as logout from './commands/logout.js';
import * as rm from './commands/rm.js';
import * as rotate from './commands/rotate.js';
import * as services from './commands/services.js';
import * as version from './commands/version.js';

/** The commands, in the order help lists them. */
const COMMANDS: { register(program: Program, ctx: Context): void }[] = [
  list,
  services,
  create,
  inspect,
  rm,
  call,
  rotate,
  login,
  logout,
  config,
  completion,
  version,
  complete,
];

function root(version: string) {
  return new Command('trigger')
    .description('Manage and call the triggers of Docker Cloud services.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--host <url>', 'REST host of the API (env: DOCKERCLOUD_REST_HOST; default: https://cloud.docker.com/)'))
    .addOption(new Option('--namespace <ns>', 'user or organisation to act for (env: DOCKERCLOUD_NAMESPACE)'))
    .addOption(new Option('--profile <name>', 'configuration profile to use (env: TRIGGER_PROFILE)'))
    .addOption(new Option('--timeout <seconds>', 'time limit of each request (env: DOCKERCLOUD_TIMEOUT; default: 30)'))
    .addOption(new Option('--no-retry', 'do not retry requests that failed for a passing reason'))
    .addOption(new Option('--insecure', 'allow sending credentials over plain http to a host that is not loopback'))
    .addOption(new Option('--debug', 'log each request and response to stderr, secrets masked (env: TRIGGER_DEBUG=1)'))
    .addOption(new Option('--no-color', 'never colour the output (env: NO_COLOR)'));
}

export type Program = ReturnType<typeof root>;
/** The global options as commander parsed them; commands see them through optsWithGlobals(). */
export type GlobalOptions = ReturnType<Program['opts']>;

type AnyCommand = Command<unknown[], OptionValues, OptionValues>;

/** 'list', or 'config set' for a subcommand of config. */
function commandPath(cmd: AnyCommand): string {
  const names: string[] = [];
  for (let c: AnyCommand | null = cmd; c?.parent; c = c.parent as AnyCommand | null) names.unshift(c.name());
  return names.join(' ');
}

/** Every command by its path ('' for the tool, 'list', 'ls', 'config set'): each name and alias. */
export function commandsOf(program: AnyCommand): Map<string, AnyCommand> {
  const found = new Map<string, AnyCommand>([['', program]]);
  const walk = (cmd: AnyCommand, prefix: string): void => {
    for (const sub of cmd.commands as AnyCommand[]) {
      for (const name of [sub.name(), ...sub.aliases()]) {
        found.set(prefix + name, sub);
        walk(sub, `${prefix}${name} `);
      }
    }
  };
  walk(program, '');
  return found;
}

/** Every option, of any command, that is followed by a value. */
export function takesValueOf(cmd: AnyCommand): Set<string> {
  const flags = cmd.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long]);
  const all = new Set(flags.filter((f): f is string => f !== undefined));
  for (const sub of cmd.commands as AnyCommand[]) for (const f of takesValueOf(sub)) all.add(f);
  return all;
}

/**
 * A parse error of commander as a usage error. An unknown command or option of `cmd`, the command
 * being parsed, names the closest ones (a command by its name rather than its alias, a short option
 * whose other case exists); of an unknown `--option=value`, the value is left out.
 */
export function usageError(err: CommanderError, cmd: AnyCommand): UsageError {
  const message = err.message.replace(/^error:\s*/i, '');
  const word = /^unknown (?:command|option) '(.*)'$/m.exec(message.split('\n')[0])?.[1];
  if (err.code === 'commander.unknownCommand' && word !== undefined) {
    const commands = cmd
      .createHelp()
      .visibleCommands(cmd)
      .map((c) => [c.name(), ...c.aliases()]);
    return new UsageError(`unknown command '${clip(word)}'${didYouMean(word, commands)}`);
  }
  if (err.code === 'commander.unknownOption' && word !== undefined) {
    const flag = word.startsWith('--') ? word.split('=')[0] : word.slice(0, 2);
    const options: string[][] = [];
    for (let c: AnyCommand | null = cmd; c; c = c.parent) {
      for (const o of c.createHelp().visibleOptions(c)) options.push([o.short, o.long].filter((f): f is string => !!f));
    }
    return new UsageError(`unknown option '${clip(flag)}'${didYouMean(flag, options)}`);
  }
  return new UsageError(message);
}

/** '<service>', '[trigger]', '<trigger...>'. */
function argumentTerm(arg: { name(): string; required: boolean; variadic: boolean }): string {
  const name = `${arg.name()}${arg.variadic ? '...' : ''}`;
  return arg.required ? `<${name}>` : `[${name}]`;
}

/**
 * How commander lays out help: at the width of the terminal it is shown on, at words, never wider
 * (commander alone leaves a description unwrapped when its column would be narrower than 40).
 */
function helpLayout(width: number): HelpConfiguration {
  return {
    showGlobalOptions: true,
    sortSubcommands: false,
    helpWidth: width,
    // A command is listed by its names and arguments; its options are in its own help.
    subcommandTerm: (cmd) => [[cmd.name(), ...cmd.aliases().slice(0, 1)].join('|'), ...cmd.registeredArguments.map(argumentTerm)].join(' '),
    formatItem: (term, termWidth, description) => formatItem(term, termWidth, description, width),
    boxWrap: (text, wrapWidth) => wrap(text, wrapWidth),
    formatHelp: (cmd, helper) => {
      const [usage, ...rest] = Help.prototype.formatHelp.call(helper, cmd, helper).split('\n');
      return [wrap(usage, width, ' '.repeat('Usage: '.length)), ...rest].join('\n');
    },
  };
}

const rootExamples = examples(['trigger list web', 'trigger call web deploy-hook --json']);

export function buildProgram(ctx: Context, version: string): Program {
  // Help fits the terminal it is shown on; elsewhere it is 80 columns wide, like the texts baked for it.
  const width = ctx.io.isTTY && ctx.io.columns ? ctx.io.columns : HELP_WIDTH;
  const program = root(version)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      outputError: () => {},
    })
    .configureHelp(helpLayout(width))
    // usageError() makes the suggestions of an unknown command or option.
    .showSuggestionAfterError(false)
    .exitOverride()
    .helpCommand('help [command]', 'Show help for a command')
    .addHelpText('after', (c) => `${rootExamples(c)}\n${formatSection('Exit codes:', EXIT_CODE_MEANINGS, width)}\n`);
  // Subcommands take these settings from their parent as they are made.
  for (const c of COMMANDS) c.register(program, ctx);

  // The command being parsed, for the hint of a usage error: known before its arguments are read.
  const named = (_: unknown, sub: AnyCommand): void => {
    ctx.command = commandPath(sub);
  };
  for (const c of [program, ...program.commands]) if (c.commands.length > 0) c.hook('preSubcommand', named);
  // Commander runs the hooks of every ancestor of the command, so this one is set once, at the top.
  program.hook('preAction', (_, action) => {
    ctx.setGlobals(action.optsWithGlobals() as GlobalOptions);
  });
  return program;
}
