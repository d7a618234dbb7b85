import { publishedEventSchema, publishEventInputSchema } from '@lasso/contracts';

import { publishCatalogEvent } from '../catalog/publish-event.js';
import { authedProcedure, router } from '../trpc/init.js';

export const eventsRouter = router({
  publish: authedProcedure
    .input(publishEventInputSchema)
    .output(publishedEventSchema)
    .mutation(({ ctx, input }) =>
      publishCatalogEvent(ctx.deps, { workspace: ctx.workspace, input }),
    ),
});
