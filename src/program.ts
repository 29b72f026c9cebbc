// The command line: global options, the subcommands and their help. The network client, tables and
// the config writer load only when a command reaches them; --help and --version skip this module.
import { Command, CommanderError, Option } from 'commander';
import type { Context, GlobalOptions } from './context.js';
import { EXIT_CODES_HELP, UsageError } from './errors.js';
import { runCall } from './commands/call.js';
import { runCompletion } from './commands/completion.js';
import { runConfigSet, runConfigShow, runConfigUnset, runConfigUse } from './commands/config.js';
import { runCreate } from './commands/create.js';
import { runInspect } from './commands/inspect.js';
import { runList } from './commands/list.js';
import { runLogin, runLogout } from './commands/login.js';
import { runRm } from './commands/rm.js';
import { runRotate } from './commands/rotate.js';

function globalOptions(): Option[] {
  return [
    new Option('--host <url>', 'REST host of the API (env: DOCKERCLOUD_REST_HOST; default: https://cloud.docker.com/)'),
    new Option('--namespace <ns>', 'user or organisation to act for (env: DOCKERCLOUD_NAMESPACE)'),
    new Option('--profile <name>', 'configuration profile to use (env: TRIGGER_PROFILE)'),
    new Option('--timeout <seconds>', 'time limit of each request (env: DOCKERCLOUD_TIMEOUT; default: 30)'),
    new Option('--no-retry', 'do not retry requests that failed for a passing reason'),
    new Option('--insecure', 'allow sending credentials over plain http to a host that is not loopback'),
    new Option('--debug', 'log each request and response to stderr, secrets masked (env: TRIGGER_DEBUG=1)'),
    new Option('--no-color', 'never colour the output (env: NO_COLOR)'),
  ];
}

/** Global options given before the subcommand, overridden by those given after it. */
function mergedGlobals(cmd: Command): GlobalOptions {
  const merged: Record<string, unknown> = {};
  const keys = globalOptions().map((o) => o.attributeName());
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const key of keys) {
      if (key in merged) continue;
      const source = c.getOptionValueSource(key);
      if (source === 'cli' || source === 'env') merged[key] = c.getOptionValue(key);
    }
  }
  return merged as GlobalOptions;
}

const FORMAT_HELP = "Go-style template per trigger: {{.uuid}}, {{.name}}, {{json .}}; 'table ' prefix for columns";

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export interface CommandError extends CommanderError {
  command?: string;
}

export function buildProgram(ctx: Context, version: string): Command {
  const program = new Command('trigger');
  program
    .description('Manage and call the triggers of Docker Cloud services.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      outputError: () => {},
    })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false, helpWidth: 80 })
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpCommand(false);
  for (const o of globalOptions()) program.addOption(o);
  program.addHelpText(
    'after',
    `${examples(['trigger list web', 'trigger call web deploy-hook --json'])}\n${EXIT_CODES_HELP}\n`,
  );

  /** 'list', or 'config set' for a subcommand of config. */
  const fullName = (cmd: Command): string => (cmd.parent && cmd.parent !== program ? `${cmd.parent.name()} ${cmd.name()}` : cmd.name());
  // Commander runs the hooks of every ancestor of the command, so this one is set once, at the top.
  program.hook('preAction', (_, action) => {
    ctx.setGlobals(mergedGlobals(action));
    ctx.command = fullName(action);
  });

  const sub = (name: string, description: string, lines: string[], parent: Command = program): Command => {
    const cmd = parent.command(name).description(description);
    for (const o of globalOptions()) cmd.addOption(o.hideHelp());
    cmd.addHelpText('after', examples(lines));
    cmd.exitOverride((err) => {
      (err as CommandError).command = fullName(cmd);
      throw err;
    });
    return cmd;
  };

  sub('list', 'List the triggers of a service, or of every service', ['trigger list web', "trigger ls --format '{{.service}}\\t{{.name}}'"])
    .alias('ls')
    .argument('[service]', 'service UUID, UUID prefix, name, or name.stack; every service when left out')
    .option('--no-trunc', 'show full UUIDs and never shorten URLs')
    .option('--no-header', 'leave out the header line')
    .option('-q, --quiet', 'print full UUIDs only, one per line')
    .option('--json', 'print the triggers as a JSON array')
    .option('--format <template>', FORMAT_HELP)
    .action((service: string | undefined, opts) => runList(service, opts, ctx));

  sub('create', 'Create a trigger for a service', ['trigger create web -n deploy-hook', 'trigger create web -o scaleup -q'])
    .argument('<service>', 'service UUID, UUID prefix, name, or name.stack')
    .option('-n, --name <name>', 'name of the trigger')
    .option('-o, --operation <operation>', 'REDEPLOY or SCALEUP (default: REDEPLOY)')
    .option('-q, --quiet', 'print the new trigger\'s UUID only')
    .option('--json', 'print the new trigger as JSON')
    .option('--format <template>', FORMAT_HELP)
    .action((service: string, opts) => runCreate(service, opts, ctx));

  sub('inspect', 'Show triggers in full, as a JSON array', ['trigger inspect web deploy-hook', 'trigger inspect web 6db5 scale-hook'])
    .argument('<service>', 'service UUID, UUID prefix, name, or name.stack')
    .argument('<trigger...>', 'trigger UUIDs, UUID prefixes or names')
    .option('--json', 'print JSON (the default)')
    .option('--format <template>', FORMAT_HELP)
    .action((service: string, triggers: string[], opts) => runInspect(service, triggers, opts, ctx));

  sub('rm', 'Remove triggers from a service', ['trigger rm web deploy-hook', 'trigger rm web 6db5 old-hook'])
    .alias('remove')
    .argument('<service>', 'service UUID, UUID prefix, name, or name.stack')
    .argument('<trigger...>', 'trigger UUIDs, UUID prefixes or names')
    .option('-q, --quiet', 'print the removed UUIDs only (the default output)')
    .option('--json', 'print the removed UUIDs as a JSON array')
    .action((service: string, triggers: string[], opts) => runRm(service, triggers, opts, ctx));

  sub('call', 'Call a trigger: redeploy or scale up its service', [
    'trigger call web deploy-hook',
    "trigger call https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/ --data '{\"ref\":\"main\"}'",
  ])
    .usage('[options] <service> <trigger> | <trigger-url>')
    .argument('<service|trigger-url>', 'service identifier, or the full call URL of a trigger')
    .argument('[trigger]', 'trigger UUID, UUID prefix or name')
    .option('--scale <n>', 'containers to add (SCALEUP triggers only)')
    .option('--data <body>', 'body to send, at most 4 MiB: text, @file, or - for standard input')
    .option('--wait', 'wait for the action the call started to end; exit 0 on Success, 1 on Failed')
    .option('--wait-timeout <seconds>', 'give up waiting after this long (default: 300); exit 5')
    .option('--json', 'print the status, action URI and body as JSON')
    .action((first: string, second: string | undefined, opts) => runCall(first, second, opts, ctx));

  sub('rotate', 'Replace a leaked trigger: create a new one like it, then remove the old one', [
    'trigger rotate web deploy-hook',
    'trigger rotate web deploy-hook --format "{{.uuid}}"',
  ])
    .argument('<service>', 'service UUID, UUID prefix, name, or name.stack')
    .argument('<trigger>', 'trigger UUID, UUID prefix or name')
    .option('-q, --quiet', "print the new trigger's UUID only")
    .option('--json', 'print the new trigger as JSON')
    .option('--format <template>', FORMAT_HELP)
    .action((service: string, trigger: string, opts) => runRotate(service, trigger, opts, ctx));

  sub('login', 'Log in: check a user name and API key and save them in the profile', [
    'trigger login',
    'echo "$DOCKERCLOUD_APIKEY" | trigger login --username alice --password-stdin',
  ])
    .option('-u, --username <user>', 'user name (asked for when not given)')
    .option('--password-stdin', 'read the API key from standard input')
    .action((opts) => runLogin(opts, ctx));

  sub('logout', 'Forget the credentials saved in the profile', ['trigger logout', 'trigger logout --profile staging'])
    .action(() => runLogout(ctx));

  const config = sub('config', 'Show or change the settings of the profile', ['trigger config show', 'trigger config set host http://127.0.0.1:8080/']);
  config.action(() => {
    throw new UsageError('missing subcommand: use show, set, unset or use');
  });
  sub('show', 'Show the effective settings and where the credentials come from', ['trigger config show', 'trigger config show --json'], config)
    .option('--json', 'print the settings as JSON')
    .action((opts) => runConfigShow(opts, ctx));
  sub('set', 'Set host, namespace, timeout or insecure in the profile', ['trigger config set host http://127.0.0.1:8080/', 'trigger --profile work config set namespace acme'], config)
    .argument('<key>', 'host, namespace, timeout or insecure')
    .argument('<value>', 'the new value')
    .action((key: string, value: string) => runConfigSet(key, value, ctx));
  sub('unset', 'Remove a setting from the profile', ['trigger config unset namespace'], config)
    .argument('<key>', 'host, namespace, timeout or insecure')
    .action((key: string) => runConfigUnset(key, ctx));
  sub('use', 'Make a profile the default one', ['trigger config use staging'], config)
    .argument('<profile>', 'name of the profile')
    .action((name: string) => runConfigUse(name, ctx));

  sub('completion', 'Print a shell completion script for bash, zsh or fish', [
    'source <(trigger completion bash)     # in ~/.bashrc',
    'trigger completion fish > ~/.config/fish/completions/trigger.fish',
  ])
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => runCompletion(shell, program, ctx));

  return program;
}
