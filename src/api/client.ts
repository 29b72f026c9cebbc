// The endpoints of the API the CLI uses. Every request goes through Requester.send (./requester.js),
// which owns URLs, headers, credentials, time limits, retries and redirects.
import { NotFoundError } from '../errors.js';
import { checkAction, checkObject, parseJson } from './answers.js';
import type { Query } from './paging.js';
import { servicePath, servicesPath, stackPath, triggerPath, triggersPath } from './paths.js';
import { Requester } from './requester.js';
import { ACTION_URI_HEADER, type Action, type ListPage, type Service, type Stack, type Trigger } from './types.js';

interface CallResult {
  status: number;
  actionUri: string | null;
  body: unknown;
}

/** The UUID at the end of a stack's resource URI (`/api/app/v1/[ns/]stack/(uuid)/`). */
const STACK_URI = /\/stack\/([0-9a-fA-F-]{36})\/$/;

export class ApiClient extends Requester {
  /** Stack names by stack UUID, each asked for once in a run (see stackName). */
  private readonly stackNames = new Map<string, Promise<string | null>>();

  get namespace(): string | undefined {
    return this.opts.namespace;
  }

  /** The same client (connections, limits, credentials) acting in another namespace: a trigger URL names its own. */
  inNamespace(namespace: string | undefined): ApiClient {
    return namespace === this.opts.namespace ? this : new ApiClient({ ...this.opts, namespace }, this.wire);
  }

  listServices(query: Query): Promise<ListPage<Service>> {
    return this.getPage<Service>(servicesPath(this.opts.namespace), query);
  }

  getService(uuid: string): Promise<Service> {
    return this.getObject<Service>(servicePath(uuid, this.opts.namespace));
  }

  allServices(query: Query = {}): Promise<Service[]> {
    return this.listAll<Service>(servicesPath(this.opts.namespace), query);
  }

  /**
   * The name of the stack a service's `stack` field points at, asked for once in a run however many
   * services share it; null for a service without a stack, a stack URI that is not one, or an API
   * that serves no stacks (404). Other failures reject.
   */
  stackName(uri: unknown): Promise<string | null> {
    const uuid = typeof uri === 'string' ? STACK_URI.exec(uri)?.[1]?.toLowerCase() : undefined;
    if (uuid === undefined) return Promise.resolve(null);
    let name = this.stackNames.get(uuid);
    if (!name) {
      name = this.getObject<Stack>(stackPath(uuid, this.opts.namespace)).then(
        (stack) => (typeof stack.name === 'string' ? stack.name : null),
        (err: unknown) => {
          if (err instanceof NotFoundError) return null;
          throw err;
        },
      );
      this.stackNames.set(uuid, name);
    }
    return name;
  }

  listTriggers(serviceUuid: string, query: Query = {}): Promise<ListPage<Trigger>> {
    return this.getPage<Trigger>(triggersPath(serviceUuid, this.opts.namespace), query);
  }

  allTriggers(serviceUuid: string): Promise<Trigger[]> {
    return this.listAll<Trigger>(triggersPath(serviceUuid, this.opts.namespace));
  }

  /** A service's triggers, page by page as they arrive, in order: a long list is not held whole. */
  triggerPages(serviceUuid: string): AsyncGenerator<Trigger[]> {
    return this.listPages<Trigger>(triggersPath(serviceUuid, this.opts.namespace));
  }

  /** How many triggers a service has: the `total_count` of a one-trigger page, or the whole list counted when it has none. */
  async countTriggers(serviceUuid: string): Promise<number> {
    const total: unknown = (await this.listTriggers(serviceUuid, { limit: 1 })).meta.total_count;
    if (typeof total === 'number' && Number.isSafeInteger(total) && total >= 0) return total;
    let count = 0;
    for await (const page of this.triggerPages(serviceUuid)) count += page.length;
    return count;
  }

  getTrigger(serviceUuid: string, triggerUuid: string): Promise<Trigger> {
    return this.getObject<Trigger>(triggerPath(serviceUuid, triggerUuid, this.opts.namespace));
  }

  async createTrigger(serviceUuid: string, body: { name?: string; operation: string }): Promise<Trigger> {
    return checkObject<Trigger>(await this.send('POST', triggersPath(serviceUuid, this.opts.namespace), { body }));
  }

  async deleteTrigger(serviceUuid: string, triggerUuid: string): Promise<void> {
    await this.send('DELETE', triggerPath(serviceUuid, triggerUuid, this.opts.namespace));
  }

  async getAction(uri: string, signal?: AbortSignal): Promise<Action> {
    return checkAction(await this.send('GET', uri, { signal }));
  }

  /** POSTs to a trigger's call URL: no credentials, no redirects. */
  async call(url: URL, body?: string | Buffer): Promise<CallResult> {
    const res = await this.send('POST', url.href, { auth: false, rawBody: body });
    const header = res.headers[ACTION_URI_HEADER];
    return {
      status: res.status,
      // A repeated header comes joined with ', ' (which a URI cannot hold): the first one counts.
      actionUri: (Array.isArray(header) ? header[0] : header?.split(', ')[0]) ?? null,
      body: parseJson(res, true),
    };
  }
}
