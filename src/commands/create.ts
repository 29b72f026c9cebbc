import { isOperation, type Operation } from '../api/types.js';
import { safeText } from '../io.js';
import { clip } from '../settings.js';
import type { Context } from '../context.js';
import { ConflictError, UsageError } from '../errors.js';
import { jsonOption, outputSpec, printTriggers, TRIGGER_FIELDS } from '../output/render.js';
import { checkIdentifier, resolveService, serviceLabel, withService } from '../resolve.js';
import { examples, SERVICE_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('create')
    .description('Create a trigger for a service')
    .argument('<service>', SERVICE_ARG)
    .option('-n, --name <name>', 'name of the trigger')
    .option('-o, --operation <operation>', 'REDEPLOY or SCALEUP (default: REDEPLOY)')
    .option('--allow-duplicate', 'create it even when the service has a trigger of that name already')
    .option('-q, --quiet', "print the new trigger's UUID only")
    .option('--no-header', 'leave out the header line')
    .addOption(jsonOption('print the new trigger as JSON', TRIGGER_FIELDS))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText('after', examples(['trigger create web -n deploy-hook', 'trigger create web.demo -n scale-hook -o scaleup -q']));
}

/** The options of `trigger create`, typed from their definitions. */
export type CreateOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((service, opts) => runCreate(service, opts, ctx));
}

function parseOperation(value: string | undefined): Operation {
  const op = (value ?? 'REDEPLOY').toUpperCase();
  if (!isOperation(op)) throw new UsageError(`unknown operation '${clip(value ?? '')}': use REDEPLOY or SCALEUP`);
  return op;
}

const NAME_RULES = "The other commands take a trigger by its name, so a name holds no white space, control characters, / ? # % \\ or '..'.";

/**
 * Creates a trigger. Its name must be one the other commands can take as an identifier, and, unless
 * --allow-duplicate, not one the service has already: a second trigger of a name makes that name
 * ambiguous for every command after it.
 */
export async function runCreate(serviceId: string, opts: CreateOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  const operation = parseOperation(opts.operation);
  const { name } = opts;
  if (name !== undefined) checkIdentifier('trigger', name, 'name', NAME_RULES);
  checkIdentifier('service', serviceId);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  if (name !== undefined && !opts.allowDuplicate) {
    const same = await withService(service, serviceId, () => api.listTriggers(service.uuid, { name, limit: 1 }));
    if (same.objects.some((t) => t.name === name)) {
      throw new ConflictError(
        `service ${await serviceLabel(api, service)} has a trigger named '${safeText(name)}' already`,
        `Pass --allow-duplicate to create a second one, or replace it with 'trigger rotate ${safeText(serviceId)} ${safeText(name)}'.`,
      );
    }
  }
  const trigger = await withService(service, serviceId, () =>
    api.createTrigger(service.uuid, { ...(name !== undefined ? { name } : {}), operation }),
  );
  await printTriggers(ctx.io, spec, [trigger], api.host, { single: true });
}
