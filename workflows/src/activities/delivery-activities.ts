import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Dispatcher } from 'undici';

import {
  loadAttemptTarget,
  markDeliveryCancelled,
  recordAttempt,
  type Database,
  type SecretBox,
} from '@lasso/server';

import type {
  AttemptDeliveryInput,
  AttemptDeliveryResult,
  DeliveryActivities,
} from './attempt-types.js';
import { blockAttemptToDeletedWebhook } from './deleted-webhook-attempt.js';
import { buildDeliveryHeaders } from './delivery-headers.js';
import { postWebhook, type PostWebhookOptions, type HttpAttemptResult } from './post-webhook.js';

export interface DeliveryActivityDeps {
  db: Database;
  /** Sends one POST; tests may replace it. */
  post?: (options: PostWebhookOptions) => Promise<HttpAttemptResult>;
  /** Lets an attempt to a deleted catalog webhook cancel its own workflow. */
  temporal?: Client;
  /** Decrypts the stored secret and auth header value of each attempt. */
  secrets: SecretBox;
  /** Connection pool of the default `post`; the worker passes one from createGuardedAgent. */
  dispatcher?: Dispatcher;
}

// The API starts a delivery's workflow before its transaction commits, so the first activity can run
// before the rows are visible. After this many tries the delivery is taken to be rolled back.
const MISSING_DELIVERY_TRIES = 6;

/** Builds the delivery activities around their dependencies. */
export function createDeliveryActivities(deps: DeliveryActivityDeps): DeliveryActivities {
  const post =
    deps.post ??
    ((options: PostWebhookOptions) => postWebhook({ ...options, dispatcher: deps.dispatcher }));

  return {
    async attemptDelivery(input: AttemptDeliveryInput): Promise<AttemptDeliveryResult> {
      const context = Context.current();

      const target = await loadAttemptTarget(
        deps.db,
        { deliveryId: input.deliveryId, attemptNumber: input.attemptNumber },
        deps.secrets,
      );
      if (target === null) {
        const message = `delivery ${input.deliveryId} is not in the database`;
        if (context.info.attempt < MISSING_DELIVERY_TRIES) {
          throw ApplicationFailure.retryable(message, 'DeliveryNotFound');
        }
        throw ApplicationFailure.nonRetryable(
          `${message}; its creation was rolled back`,
          'DeliveryNotFound',
        );
      }

      // A retry of this activity after a crash that came after the record was written reuses the record.
      const recorded = target.recordedAttempt;
      if (recorded !== null && recorded.deliveryAttemptId === input.deliveryAttemptId) {
        return {
          outcome: recorded.outcome,
          statusCode: recorded.statusCode,
          durationMs: recorded.durationMs,
        };
      }

      if (target.webhookDeleted) {
        return blockAttemptToDeletedWebhook(deps, input, target);
      }

      const startedAt = new Date();
      const result = await post({
        url: target.url,
        body: target.body,
        headers: buildDeliveryHeaders(target, {
          number: input.attemptNumber,
          deliveryAttemptId: input.deliveryAttemptId,
        }),
      });

      await recordAttempt(deps.db, {
        deliveryId: input.deliveryId,
        number: input.attemptNumber,
        deliveryAttemptId: input.deliveryAttemptId,
        url: target.url,
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        outcome: result.outcome,
        error: result.error,
        responseBody: result.responseBody,
        retryDelayMs: result.outcome === 'succeeded' ? null : input.retryDelayMs,
      });

      context.log.info('delivery attempt', {
        deliveryId: input.deliveryId,
        attempt: input.attemptNumber,
        outcome: result.outcome,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
      });
      return {
        outcome: result.outcome,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
      };
    },

    async markDeliveryCancelled(input: { deliveryId: string }): Promise<void> {
      await markDeliveryCancelled(deps.db, input.deliveryId);
    },
  };
}
