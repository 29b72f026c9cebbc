// What a command runs with: its streams, the environment, the parsed global options, and lazily
// built services (config, settings, credentials, the API client) so a command pays only for what it uses.
import type { ApiClient } from './api/client.js';
import type { CodeCacheState } from './code-cache.js';
import type { Clock } from './wait.js';
import type { GlobalOptions } from './program.js';
import {
  activeProfile,
  loadConfig,
  profileOf,
  updateConfig,
  type ActiveProfile,
  type ConfigData,
  type LoadedConfig,
  type Profile,
} from './config/file.js';
import { authorizationFor, findCredentials, type Credentials } from './credentials.js';
import { AuthError, NetworkError, type CliError, type Interrupt } from './errors.js';
import { wantsColor, watchOutput, withoutControlChars, type Interrupts, type IO } from './io.js';
import { reportError } from './report.js';
import { resolveSettings, type Settings } from './settings.js';
import { runtime, VERSION } from './version.js';

export { VERSION };

/** Errors that say the host is wrong or down, rather than slow or broken. */
const HOST_PROBLEMS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface ContextDeps {
  io: IO;
  env: NodeJS.ProcessEnv;
  /** First retry delay in ms (tests shorten it). */
  backoffMs?: number;
  /** Whether V8 took the built CLI's code cache, for --debug. */
  codeCache?: CodeCacheState;
  /** The file of the built CLI's bundle (dist/main.cjs), whose source map serves stacks under --debug. */
  bundle?: string;
  /** How long a change of the config file waits for another run's lock, in ms (tests shorten it). */
  lockWaitMs?: number;
  /** Starts turning SIGINT and SIGTERM into the returned signal (the entry point's; tests fire their own). */
  interrupts?: Interrupts;
  /** Time as `call --wait` sees it (tests substitute a clock of their own). */
  clock?: Clock;
  /** When the run must be done by (Date.now() time), if it has a budget of its own, as completion has. */
  deadline?: number;
}

export class Context {
  readonly io: IO;
  readonly env: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  globals: Partial<GlobalOptions> = {};
  /** The command being run ('list', 'config set'), once parsed. */
  command?: string;
  private client?: ApiClient;
  private cachedConfig?: LoadedConfig;
  private cachedSettings?: Settings;
  private cachedCredentials?: Credentials | null;
  /** Set by the commands that make the profile in use when it does not exist (login, config set). */
  private mayCreateProfile = false;
  /** The credentials the API client took, once it asked for them for a request. */
  private sentCredentials?: Credentials;
  /** Every Authorization value handed to a client of this run: an error must never repeat one. */
  readonly authorizations = new Set<string>();

  /** The file of the built CLI's bundle, when running from it. */
  readonly bundle?: string;
  /**
   * Resolves once what was written to stdout so far is written, with the error to report for the
   * first write that failed, if any: to the first caller that gets it, which reports it (see watchOutput).
   */
  readonly outputWritten: () => Promise<CliError | undefined>;

  constructor(private readonly deps: ContextDeps) {
    this.io = deps.io;
    this.outputWritten = watchOutput(this.io.stdout);
    this.env = deps.env;
    this.clock = deps.clock;
    this.bundle = deps.bundle;
  }

  /** Called once the command line is parsed. */
  setGlobals(globals: GlobalOptions): void {
    this.globals = globals;
    this.io.color = wantsColor(this.env, this.io.isTTY, globals.color);
    if (!this.debugging) return;
    this.debug(this.running());
    if (this.deps.codeCache) this.debug(`code cache ${this.deps.codeCache}`);
  }

  /**
   * What is running, against which host, with credentials from where (the name of their source, never
   * them), for the first --debug line. A host or credentials that cannot be used are said to be so:
   * the command stops on them only if it needs them.
   */
  private running(): string {
    const unusable = (err: unknown): string => `unusable (${withoutControlChars(err instanceof Error ? err.message : String(err))})`;
    let host: string;
    let credentials: string;
    try {
      host = `host ${this.settings().host}`;
    } catch (err) {
      host = `settings ${unusable(err)}`;
    }
    try {
      const found = this.findCredentials();
      credentials = found ? `credentials from ${found.source}` : 'no credentials';
    } catch (err) {
      credentials = `credentials ${unusable(err)}`;
    }
    return `trigger ${VERSION}, ${runtime()}, ${host}, ${credentials}`;
  }

  /** Whether what goes to stderr may be coloured: as for stdout, but for stderr's terminal. */
  get stderrColor(): boolean {
    return wantsColor(this.env, this.io.stderrTTY, this.globals.color);
  }

  get debugging(): boolean {
    return !!this.globals.debug || /^(1|true|yes)$/i.test(this.env.TRIGGER_DEBUG ?? '');
  }

  /**
   * Aborted, with the signal's name as reason, when SIGINT or SIGTERM arrives after this call. A
   * command that asks for it stops in its own way; in any other, a signal ends the run as usual. A
   * second signal ends the run at once, reporting first the error `forcedStop` makes, if given: what
   * the command leaves unfinished.
   */
  interruption(forcedStop?: (signal: Interrupt) => CliError): AbortSignal {
    const lastWords = forcedStop && ((signal: Interrupt) => reportError(this, forcedStop(signal)));
    return this.deps.interrupts?.(lastWords) ?? new AbortController().signal;
  }

  debug(line: string): void {
    if (this.debugging) this.io.stderr.write(`[debug] ${line}\n`);
  }

  warn(line: string): void {
    this.io.stderr.write(`Warning: ${line}\n`);
  }

  /** The config file, read once; a file that cannot be read is an error for every command that needs it. */
  config(): LoadedConfig {
    if (!this.cachedConfig) {
      this.cachedConfig = loadConfig(this.env);
      if (this.cachedConfig.warning) this.warn(this.cachedConfig.warning);
    }
    return this.cachedConfig;
  }

  /** Applies `change` to the config file under its lock, and saves it. */
  async updateConfig(change: (data: ConfigData) => void): Promise<void> {
    await updateConfig(this.env, change, { lockWaitMs: this.deps.lockWaitMs });
    this.cachedConfig = undefined;
  }

  /** Called first by a command that makes the profile in use when it does not exist yet. */
  allowNewProfile(): void {
    this.mayCreateProfile = true;
  }

  /** The profile in use and where its name came from; an unknown one is an error, unless the command makes it. */
  activeProfile(): ActiveProfile {
    const given = { flag: this.globals.profile, env: this.env.TRIGGER_PROFILE || undefined };
    return activeProfile(given, () => this.config().data, this.mayCreateProfile);
  }

  profileName(): string {
    return this.activeProfile().name;
  }

  profile(): Profile {
    return profileOf(this.config().data, this.profileName());
  }

  settings(): Settings {
    this.cachedSettings ??= resolveSettings({ flags: this.globals, env: this.env, config: this.profile(), profile: this.profileName() });
    return this.cachedSettings;
  }

  /** The credentials in lookup order (environment, profile, docker config), or undefined when there are none. */
  findCredentials(): Credentials | undefined {
    if (this.cachedCredentials === undefined) {
      const saved = () => ({ name: this.profileName(), profile: this.profile(), file: this.config().path });
      this.cachedCredentials = findCredentials(this.env, saved, () => this.helperLimitMs()) ?? null;
    }
    return this.cachedCredentials ?? undefined;
  }

  /**
   * How long a docker credential helper may take: as long as a request may (--timeout, 30 s by
   * default), and no longer than what is left of the run's budget.
   */
  private helperLimitMs(): number {
    const limit = this.settings().timeoutS * 1000;
    return this.deps.deadline === undefined ? limit : Math.min(limit, this.deps.deadline - Date.now());
  }

  /** The run's API client, with the credentials of the lookup order, for the host they may go to. */
  async api(): Promise<ApiClient> {
    this.client ??= await this.newClient(() => {
      const authorization = authorizationFor(this.findCredentials(), this.settings().host);
      this.sentCredentials = this.findCredentials();
      return authorization;
    });
    return this.client;
  }

  /**
   * The next step to print with an error, from what the run alone knows, in place of the error's own
   * hint: which credentials the API refused, or where the host that cannot be reached came from.
   */
  nextStep(err: unknown): string | undefined {
    if (err instanceof AuthError && this.sentCredentials) return this.sentCredentials.refused;
    const settings = this.cachedSettings;
    const code = (err as { code?: unknown }).code;
    // Only for the REST host: a trigger URL given in full may name another.
    if (
      err instanceof NetworkError &&
      settings &&
      HOST_PROBLEMS.has(String(code)) &&
      err.message.includes(`${new URL(settings.host).origin}/`)
    ) {
      return this.hostHint(settings);
    }
    return undefined;
  }

  private hostHint({ host, sources }: Settings): string {
    switch (sources.host.kind) {
      case 'flag':
        return `The host ${host} was given with --host: check it, and that the API runs there.`;
      case 'env':
        return `The host ${host} comes from DOCKERCLOUD_REST_HOST: check it, or unset it.`;
      case 'profile': {
        const profile = this.profileName();
        return `The host ${host} comes from profile ${profile}: change it with 'trigger --profile ${profile} config set host URL'.`;
      }
      case 'default':
        return `The host ${host} is the default: give another with --host, DOCKERCLOUD_REST_HOST or 'trigger config set host URL'.`;
    }
  }

  /** A client of its own for other credentials (login checks them before saving); the caller closes it. */
  async newClient(authorization: () => string): Promise<ApiClient> {
    const settings = this.settings();
    const { ApiClient } = await import('./api/client.js');
    return new ApiClient({
      host: settings.host,
      namespace: settings.namespace,
      authorization: () => {
        const value = authorization();
        this.authorizations.add(value);
        return value;
      },
      userAgent: `trigger/${VERSION}`,
      timeoutMs: settings.timeoutS * 1000,
      tries: this.globals.retry === false ? 1 : 3,
      insecure: settings.insecure,
      debug: this.debugging ? (line) => this.debug(line) : undefined,
      backoffMs: this.deps.backoffMs,
      env: this.env,
    });
  }

  async dispose(): Promise<void> {
    await this.client?.close();
  }
}
