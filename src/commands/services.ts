import type { Service } from '../api/types.js';
import { CONCURRENCY, mapLimit } from '../concurrency.js';
import type { Context } from '../context.js';
import { NotFoundError } from '../errors.js';
import { fieldText } from '../io.js';
import { FORMAT_HELP, jsonOption, outputSpec, recordPrinter, type TableLayout } from '../output/render.js';
import { examples } from '../help.js';
import type { Program } from '../program.js';

/** A service as `trigger services` prints it: what tells services apart and how they run, with their stack's name and trigger count. */
interface ServiceRecord {
  uuid: string;
  name: string;
  /** The stack's name, or null outside any stack. */
  stack: string | null;
  state: string;
  image_name: string;
  running_num_containers: number;
  target_num_containers: number;
  trigger_count: number;
  resource_uri: string;
}

export const SERVICE_FIELDS = [
  'uuid',
  'name',
  'stack',
  'state',
  'image_name',
  'running_num_containers',
  'target_num_containers',
  'trigger_count',
  'resource_uri',
] as const;

function define(program: Program) {
  return program
    .command('services')
    .alias('svc')
    .description('List services and their trigger counts')
    .option('--no-trunc', 'show full UUIDs and never shorten a cell to fit the terminal')
    .option('--no-header', 'leave out the header line')
    .option('-q, --quiet', 'print full UUIDs only, one per line')
    .addOption(jsonOption('print the services as a JSON array', SERVICE_FIELDS, false))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText(
      'after',
      examples(['trigger services', 'trigger svc --json name,stack,trigger_count', "trigger services --format '{{.name}}.{{.stack}}'"]),
    );
}

/** The options of `trigger services`, typed from their definitions. */
export type ServicesOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((opts) => runServices(opts, ctx));
}

/**
 * The table, as `docker service ls` shows services: CONTAINERS is running/target, as its REPLICAS;
 * names shortened in the middle to fit the terminal, states coloured.
 */
const LAYOUT: TableLayout<ServiceRecord> = {
  headers: ['UUID', 'NAME', 'STACK', 'STATE', 'CONTAINERS', 'TRIGGERS'],
  row: (s, full) => [
    full ? s.uuid : s.uuid.slice(0, 8),
    fieldText(s.name),
    fieldText(s.stack ?? ''),
    fieldText(s.state),
    `${fieldText(s.running_num_containers)}/${fieldText(s.target_num_containers)}`,
    fieldText(s.trigger_count),
  ],
  columns: { NAME: { cut: 'text' }, STACK: { cut: 'text' }, STATE: { style: 'state' } },
};

/** Every service, with its stack's name and its trigger count, asked for 8 at a time (each stack once). */
async function serviceRecords(ctx: Context, withDetails: boolean): Promise<ServiceRecord[]> {
  const api = await ctx.api();
  const services = await api.allServices();
  const records = await mapLimit(services, CONCURRENCY, async (s: Service): Promise<ServiceRecord | undefined> => {
    let stack: string | null = null;
    let count = 0;
    if (withDetails) {
      try {
        [stack, count] = await Promise.all([api.stackName(s.stack), api.countTriggers(s.uuid)]);
      } catch (err) {
        // A service removed between the two lists is gone.
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    }
    return {
      uuid: s.uuid,
      name: s.name,
      stack,
      state: s.state,
      image_name: s.image_name,
      running_num_containers: s.running_num_containers,
      target_num_containers: s.target_num_containers,
      trigger_count: count,
      resource_uri: s.resource_uri,
    };
  });
  return records.filter((r) => r !== undefined);
}

export async function runServices(opts: ServicesOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts, SERVICE_FIELDS);
  const printer = recordPrinter(spec, LAYOUT);
  // UUIDs alone need neither stacks nor counts.
  const records = await serviceRecords(ctx, spec.kind !== 'quiet');
  for (const r of records) printer.add(r);
  await printer.print(ctx.io);
  if (records.length === 0 && spec.kind === 'table') ctx.io.stderr.write('no services\n');
}
