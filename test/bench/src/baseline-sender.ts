// The baseline's sender, run as a child process so it does not share an event loop with the
// receiver: signs and POSTs with the worker's own header, signing and HTTP code, and nothing else.
import { randomUUID } from 'node:crypto';

import { serializeWebhookBody } from '@lasso/contracts';
import { LOOPBACK_NETWORKS, type AttemptTarget } from '@lasso/server';
import { buildDeliveryHeaders } from '@lasso/workflows/activities/delivery-headers';
import { postWebhook } from '@lasso/workflows/activities/post-webhook';
import { createGuardedAgent } from '@lasso/workflows/outbound/guarded-agent';

/** What the parent sends as the only argument, as JSON. */
export interface BaselineSenderInput {
  urls: string[];
  count: number;
  concurrency: number;
  secret: string;
}

/** What the sender prints as its only stdout line, as JSON. */
export interface BaselineSenderOutput {
  succeeded: number;
  failed: number;
  /** From the first POST until the last response, in ms. */
  elapsedMs: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '') as BaselineSenderInput;
  const dispatcher = createGuardedAgent({ allowedNetworks: LOOPBACK_NETWORKS });
  const product = {
    id: 'bench-baseline',
    name: 'Benchmark item',
    sku: 'SKU-00000000',
    price: { amount: 1999, currency: 'EUR' },
    tags: ['benchmark', 'catalog', 'webhook'],
    description:
      'A catalog entry published by the benchmark; its fields only give the body a realistic size.',
  };
  const body = serializeWebhookBody('product.created', new Date(), {
    product_id: product.id,
    product,
  });

  let next = 0;
  let succeeded = 0;
  let failed = 0;
  const sendUntilDone = async (): Promise<void> => {
    while (next < input.count) {
      const index = next++;
      const target: AttemptTarget = {
        deliveryId: `dlv_baseline_${index}`,
        status: 'pending',
        event: 'product.created',
        eventId: `evt_baseline_${index}`,
        body,
        url: input.urls[index % input.urls.length]!,
        secret: input.secret,
        authHeader: null,
        webhookDeleted: false,
        recordedAttempt: null,
      };
      const headers = buildDeliveryHeaders(target, {
        number: 1,
        deliveryAttemptId: `att_${randomUUID().replaceAll('-', '')}`,
      });
      const result = await postWebhook({ url: target.url, body, headers, dispatcher });
      if (result.outcome === 'succeeded') {
        succeeded++;
      } else {
        failed++;
      }
    }
  };

  const startedAt = performance.now();
  await Promise.all(Array.from({ length: input.concurrency }, sendUntilDone));
  const output: BaselineSenderOutput = {
    succeeded,
    failed,
    elapsedMs: performance.now() - startedAt,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
  await dispatcher.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `baseline sender failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
