// What a command runs with: its streams, the environment, the parsed global options, and lazily
// built services (settings, credentials, the API client) so a command pays only for what it uses.
import type { ApiClient } from './api/client.js';
import { lookupCredentials, requireCredentials, type CredentialSource, type Credentials } from './credentials.js';
import { wantsColor, type IO } from './io.js';
import { resolveSettings, type Settings } from './settings.js';

import { VERSION } from './version.js';

export { VERSION };

export interface GlobalOptions {
  host?: string;
  namespace?: string;
  color?: boolean;
  debug?: boolean;
  timeout?: string;
  retry?: boolean;
  insecure?: boolean;
}

export interface ContextDeps {
  io: IO;
  env: NodeJS.ProcessEnv;
  /** Credential sources after the environment (the config store, docker's config.json). */
  credentialSources?: CredentialSource[];
  /** Configured host, namespace and timeout, read from the config store. */
  config?: () => { host?: string; namespace?: string; timeout?: number; insecure?: boolean };
  /** First retry delay in ms (tests shorten it). */
  backoffMs?: number;
}

export class Context {
  readonly io: IO;
  readonly env: NodeJS.ProcessEnv;
  globals: GlobalOptions = {};
  private client?: ApiClient;
  private cachedSettings?: Settings;
  private cachedCredentials?: Credentials | null;

  constructor(private readonly deps: ContextDeps) {
    this.io = deps.io;
    this.env = deps.env;
  }

  /** Called once the command line is parsed. */
  setGlobals(globals: GlobalOptions): void {
    this.globals = globals;
    this.io.color = wantsColor(this.env, this.io.isTTY, globals.color);
  }

  get debugging(): boolean {
    return !!this.globals.debug || /^(1|true|yes)$/i.test(this.env.TRIGGER_DEBUG ?? '');
  }

  debug(line: string): void {
    if (this.debugging) this.io.stderr.write(`[debug] ${line}\n`);
  }

  settings(): Settings {
    this.cachedSettings ??= resolveSettings({ flags: this.globals, env: this.env, config: this.deps.config?.() });
    return this.cachedSettings;
  }

  /** The credentials in lookup order, or undefined when there are none. */
  findCredentials(): Credentials | undefined {
    if (this.cachedCredentials === undefined) {
      this.cachedCredentials = lookupCredentials(this.env, this.deps.credentialSources) ?? null;
    }
    return this.cachedCredentials ?? undefined;
  }

  async api(): Promise<ApiClient> {
    if (!this.client) {
      const settings = this.settings();
      const { ApiClient } = await import('./api/client.js');
      this.client = new ApiClient({
        host: settings.host,
        namespace: settings.namespace,
        authorization: () => requireCredentials(this.findCredentials()).authorization,
        userAgent: `trigger/${VERSION}`,
        timeoutMs: settings.timeoutS * 1000,
        tries: this.globals.retry === false ? 1 : 3,
        insecure: settings.insecure,
        debug: this.debugging ? (line) => this.debug(line) : undefined,
        backoffMs: this.deps.backoffMs,
      });
    }
    return this.client;
  }

  async dispose(): Promise<void> {
    await this.client?.close();
  }
}
