import type { Service } from '../api/types.js';
import { CONCURRENCY, mapLimit } from '../concurrency.js';
import type { Context } from '../context.js';
import { LISTED_FIELDS, outputSpec, TRIGGER_FIELDS, triggerPrinter, type OutputFlags } from '../output/render.js';
import { checkIdentifier, resolveService, withService } from '../resolve.js';
import { NotFoundError } from '../errors.js';

export async function runList(serviceId: string | undefined, opts: OutputFlags, ctx: Context): Promise<void> {
  const all = serviceId === undefined;
  const spec = outputSpec(opts, all ? LISTED_FIELDS : TRIGGER_FIELDS);
  if (!all) checkIdentifier('service', serviceId);
  const api = await ctx.api();
  const printer = triggerPrinter(spec, api.host, { withService: all });
  let kept: unknown[];
  if (all) {
    const services = await api.allServices();
    const perService = await mapLimit(services, CONCURRENCY, async (s: Service) => {
      try {
        return await api.allTriggers(s.uuid, (t) => printer.keep({ ...t, service: s.name, service_uuid: s.uuid }));
      } catch (err) {
        // A service removed between the two lists has no triggers left to show.
        if (err instanceof NotFoundError) return [];
        throw err;
      }
    });
    kept = perService.flat();
  } else {
    const service = await resolveService(api, serviceId);
    kept = await withService(service, serviceId, () => api.allTriggers(service.uuid, (t) => printer.keep(t)));
  }
  await printer.print(ctx.io, kept);
}
