export {
  createLassoClient,
  errorCodeOf,
  fieldIssuesOf,
  isLassoClientError,
  type CallableProcedures,
  type LassoClient,
  type LassoClientError,
  type LassoClientOptions,
} from './create-client.js';
export {
  parseWebhook,
  parseWebhookOf,
  WebhookVerificationError,
  WEBHOOK_VERIFICATION_REASONS,
  type ParseWebhookOptions,
  type WebhookHeaders,
  type WebhookVerificationReason,
} from './parse-webhook.js';
export { signPayload, verifySignature } from './signature.js';
export type {
  Delivery,
  DeliveryWithAttempts,
  EventName,
  ErrorCode,
  Table,
  WebhookPayload,
  WebhookPayloadOf,
} from '@lasso/contracts';
export type {
  CatalogEventName,
  CatalogWebhook,
  CreateCatalogWebhookInput,
  DeletedCatalogWebhook,
  PublishedEvent,
  PublishEventInput,
  UpdateCatalogWebhookInput,
} from '@lasso/contracts';
export type { RecoverDeliveriesInput, RecoverDeliveriesResult } from '@lasso/contracts';
