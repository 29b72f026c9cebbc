import type { Service } from '../api/types.js';
import { CONCURRENCY, inOrder } from '../concurrency.js';
import type { Context } from '../context.js';
import { jsonOption, LISTED_FIELDS, outputSpec, TRIGGER_FIELDS, triggerPrinter } from '../output/render.js';
import { checkIdentifier, resolveService, serviceLabel, withService, type ServiceRef } from '../resolve.js';
import { NotFoundError } from '../errors.js';
import { examples, SERVICE_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('list')
    .alias('ls')
    .description('List the triggers of a service, or of every service')
    .argument('[service]', `${SERVICE_ARG}; every service when left out`)
    .option('--no-trunc', 'show full UUIDs and never shorten a cell to fit the terminal')
    .option('--no-header', 'leave out the header line')
    .option('-q, --quiet', 'print full UUIDs only, one per line')
    .addOption(jsonOption('print the triggers as a JSON array'))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText(
      'after',
      examples(['trigger list web', 'trigger list web --json name,url', "trigger ls --format '{{.service}}\\t{{.name}}'"]),
    );
}

/** The options of `trigger list`, typed from their definitions. */
export type ListOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((service, opts) => runList(service, opts, ctx));
}

export async function runList(serviceId: string | undefined, opts: ListOptions, ctx: Context): Promise<void> {
  const all = serviceId === undefined;
  const spec = outputSpec(opts, all ? LISTED_FIELDS : TRIGGER_FIELDS);
  if (!all) checkIdentifier('service', serviceId);
  const api = await ctx.api();
  const printer = triggerPrinter(spec, api.host, { withService: all });
  let service: ServiceRef | undefined;
  if (all) {
    const services = await api.allServices();
    // The triggers of several services at a time, printed in the order of the services.
    const perService = inOrder(services, CONCURRENCY, async (s: Service) => {
      try {
        // Each stack is asked for once, by the first of its services; UUIDs alone need none.
        const stack = spec.kind === 'quiet' ? null : await api.stackName(s.stack);
        return { s, stack, triggers: await api.allTriggers(s.uuid) };
      } catch (err) {
        // A service removed between the two lists has no triggers left to show.
        if (err instanceof NotFoundError) return { s, stack: null, triggers: [] };
        throw err;
      }
    });
    for await (const { s, stack, triggers } of perService) {
      for (const t of triggers) printer.add({ ...t, service: s.name, service_uuid: s.uuid, stack });
    }
  } else {
    service = await resolveService(api, serviceId);
    const { uuid } = service;
    // A long list is kept as what the output shows of it, page by page, never as the API's objects.
    await withService(service, serviceId, async () => {
      for await (const page of api.triggerPages(uuid)) for (const t of page) printer.add(t);
    });
  }
  await printer.print(ctx.io);
  // For a person, like gh's: the table alone says so, on stderr; what scripts read is unchanged.
  if (printer.count === 0 && spec.kind === 'table') {
    ctx.io.stderr.write(service === undefined ? 'no triggers\n' : `no triggers in service ${await serviceLabel(api, service)}\n`);
  }
}
