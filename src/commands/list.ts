import type { Service } from '../api/types.js';
import { CONCURRENCY, mapLimit } from '../concurrency.js';
import type { Context } from '../context.js';
import { LISTED_FIELDS, outputSpec, printTriggers, TRIGGER_FIELDS, type OutputFlags, type TriggerRecord } from '../output/render.js';
import { checkIdentifier, resolveService, withService } from '../resolve.js';
import { NotFoundError } from '../errors.js';

export async function runList(serviceId: string | undefined, opts: OutputFlags, ctx: Context): Promise<void> {
  const all = serviceId === undefined;
  const spec = outputSpec(opts, all ? LISTED_FIELDS : TRIGGER_FIELDS);
  if (!all) checkIdentifier('service', serviceId);
  const api = await ctx.api();
  let triggers: TriggerRecord[];
  if (all) {
    const services = await api.allServices();
    const perService = await mapLimit(services, CONCURRENCY, async (s: Service) => {
      try {
        const list = await api.allTriggers(s.uuid);
        return list.map((t) => ({ ...t, service: s.name, service_uuid: s.uuid }));
      } catch (err) {
        // A service removed between the two lists has no triggers left to show.
        if (err instanceof NotFoundError) return [];
        throw err;
      }
    });
    triggers = perService.flat();
  } else {
    const service = await resolveService(api, serviceId);
    triggers = await withService(service, serviceId, () => api.allTriggers(service.uuid));
  }
  await printTriggers(ctx.io, spec, triggers, api.host, { withService: all });
}
