import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { checkProfileExists, checkProfileName, profileNames, profileToChange, type Profile } from '../config/file.js';
import { keepBinding } from '../credentials.js';
import { safeText } from '../io.js';
import { printJson } from '../output/render.js';
import { clip, parseBoolean, parseHost, parseNamespace, parseTimeout } from '../settings.js';
import { examples } from '../help.js';
import type { Program } from '../program.js';

/** `config` groups its subcommands; alone, it shows its help. */
export function register(program: Program, ctx: Context): void {
  const config = program
    .command('config')
    .description('Show or change the settings of the profile')
    .addHelpText('after', examples(['trigger config show', 'trigger config set host http://127.0.0.1:8080/']));
  config
    .command('show')
    .description('Show the effective settings and where each comes from')
    .option('--json', 'print the settings as JSON')
    .addHelpText('after', examples(['trigger config show', 'trigger config show --json']))
    .action((opts) => runConfigShow(opts, ctx));
  config
    .command('set')
    .description('Set host, namespace, timeout or insecure in the profile')
    .argument('<key>', 'host, namespace, timeout or insecure')
    .argument('<value>', 'the new value')
    .addHelpText('after', examples(['trigger config set host http://127.0.0.1:8080/', 'trigger --profile work config set namespace acme']))
    .action((key, value) => runConfigSet(key, value, ctx));
  config
    .command('unset')
    .description('Remove a setting from the profile')
    .argument('<key>', 'host, namespace, timeout or insecure')
    .addHelpText('after', examples(['trigger config unset namespace']))
    .action((key) => runConfigUnset(key, ctx));
  config
    .command('use')
    .description('Make a profile the default one')
    .argument('<profile>', 'name of the profile')
    .addHelpText('after', examples(['trigger config use staging']))
    .action((name) => runConfigUse(name, ctx));
}

/** The settings `config set` knows, each with its check. */
export const KEYS: Record<string, (value: string) => Partial<Profile>> = {
  host: (v) => ({ host: parseHost(v, 'host') }),
  namespace: (v) => ({ namespace: parseNamespace(v, 'namespace') }),
  timeout: (v) => ({ timeout: parseTimeout(v, 'timeout') }),
  insecure: (v) => ({ insecure: parseBoolean(v, 'insecure') }),
};

function checkKey(key: string): void {
  if (!Object.hasOwn(KEYS, key)) throw new UsageError(`unknown setting '${clip(key)}': use one of ${Object.keys(KEYS).join(', ')}`);
}

export async function runConfigSet(key: string, value: string, ctx: Context): Promise<void> {
  checkKey(key);
  const change = KEYS[key](value);
  // The way to make a profile without credentials: trigger --profile work config set namespace acme
  ctx.allowNewProfile();
  const profile = ctx.profileName();
  await ctx.updateConfig((data) => {
    const p = profileToChange(data, profile);
    // A new host does not take the saved credentials with it.
    if (key === 'host') keepBinding(p);
    Object.assign(p, change);
  });
  ctx.io.stdout.write(`Set ${key} of profile ${profile}\n`);
}

export async function runConfigUnset(key: string, ctx: Context): Promise<void> {
  checkKey(key);
  const profile = ctx.profileName();
  await ctx.updateConfig((data) => {
    if (!data.profiles || !Object.hasOwn(data.profiles, profile)) return;
    const p = data.profiles[profile];
    if (key === 'host') keepBinding(p);
    delete p[key as keyof Profile];
  });
  ctx.io.stdout.write(`Unset ${key} of profile ${profile}\n`);
}

export async function runConfigUse(name: string, ctx: Context): Promise<void> {
  checkProfileName(name);
  checkProfileExists(() => ctx.config().data, name);
  await ctx.updateConfig((data) => {
    data.currentProfile = name;
  });
  ctx.io.stdout.write(`Using profile ${name}\n`);
}

export function runConfigShow(opts: { json?: boolean }, ctx: Context): void {
  const active = ctx.activeProfile();
  const settings = ctx.settings();
  const credentials = ctx.findCredentials();
  const loaded = ctx.config();
  const { host, namespace, timeout, insecure } = settings.sources;
  const shown = {
    profile: active.name,
    profiles: profileNames(loaded.data),
    host: settings.host,
    namespace: settings.namespace ?? null,
    timeout: settings.timeoutS,
    insecure: settings.insecure,
    // Where each came from: a flag, an environment variable, 'profile NAME' or 'default'.
    sources: { profile: active.source, host: host.label, namespace: namespace.label, timeout: timeout.label, insecure: insecure.label },
    user: credentials?.user ?? null,
    credentials: credentials ? credentials.source : null,
    secret: credentials ? '********' : null,
    // The one host saved credentials go to; null for the others, which go to the host in effect.
    credentials_host: credentials?.host ?? null,
    config_file: loaded.path,
  };
  if (opts.json) return printJson(ctx.io, shown);
  const from = (label: string): string => (label === 'default' ? ' (default)' : ` (from ${label})`);
  const rows: [string, string][] = [
    ['Profile', `${shown.profile}${active.source === 'default' ? '' : from(active.source)}`],
    ['Profiles', shown.profiles.join(', ')],
    ['Host', `${shown.host}${from(host.label)}`],
    ['Namespace', `${shown.namespace ?? "the user's own"}${from(namespace.label)}`],
    ['Timeout', `${shown.timeout} s${from(timeout.label)}`],
    ['Insecure', `${shown.insecure}${from(insecure.label)}`],
    ['User', shown.user ?? '(unknown)'],
    ['Credentials', shown.credentials ? `${shown.credentials}, secret ${shown.secret}` : "none: run 'trigger login'"],
  ];
  if (shown.credentials_host) {
    rows.push([
      'Saved for',
      shown.credentials_host === shown.host ? shown.credentials_host : `${shown.credentials_host}, not the host in effect`,
    ]);
  }
  rows.push(['Config file', shown.config_file]);
  const width = Math.max(...rows.map(([k]) => k.length));
  ctx.io.stdout.write(rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${safeText(v)}`).join('\n') + '\n');
}
