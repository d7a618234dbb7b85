export type {
  AttemptDeliveryInput,
  AttemptDeliveryResult,
  DeliveryActivities,
} from './activities/attempt-types.js';
export { createDeliveryActivities } from './activities/delivery-activities.js';
export type { DeliveryActivityDeps } from './activities/delivery-activities.js';
export { postWebhook } from './activities/post-webhook.js';
export type { HttpAttemptResult, PostWebhookOptions } from './activities/post-webhook.js';
export { startEmbeddedStack } from './embedded/start-embedded-stack.js';
export type { EmbeddedStack } from './embedded/start-embedded-stack.js';
export { connectWorker } from './embedded/start-temporal.js';
export * from './temporal-cli/index.js';
export { createDeliveryWorker, WORKFLOW_BUNDLE_PATH } from './worker/create-worker.js';
export type { DeliveryWorkerOptions } from './worker/create-worker.js';
export { BlockedAddressError } from './outbound/blocked-address-error.js';
export { createGuardedAgent } from './outbound/guarded-agent.js';
export type { OutboundGuardOptions } from './outbound/guarded-agent.js';
export { resolveAllowedAddresses, systemLookup } from './outbound/guarded-lookup.js';
export type { HostLookup } from './outbound/guarded-lookup.js';
