export {
  authenticateApiKey,
  generateApiKey,
  hashApiKey,
  listApiKeys,
  revokeApiKey,
  storeApiKey,
} from './auth/api-keys.js';
export type { ApiKeyRecord } from './auth/api-keys.js';
export { BOOTSTRAP_WORKSPACE, registerBootstrapKey } from './auth/bootstrap-key.js';
export { ConfigError, parseEnv, serviceEnvSchema, temporalEnvSchema } from './config.js';
export type { ServiceEnv, TemporalEnv } from './config.js';
export type { Database, Queryable } from './database/database.js';
export { DatabaseUnavailableError } from './database/database.js';
export { openDatabase } from './database/open-database.js';
export type { AttemptRow, DeliveryRow } from './deliveries/deliveries-store.js';
export { ApiError, toErrorBody } from './errors.js';
export { createApiServer } from './http/api-server.js';
export { closeServer, listen } from './http/listen.js';
export { generateId } from './ids.js';
export { createJsonLogger, silentLogger } from './logger.js';
export type { Logger, LogAttributes } from './logger.js';
export { appRouter, createAppCaller } from './routers/app-router.js';
export type { AppCaller, AppRouter } from './routers/app-router.js';
export type { ServiceDeps } from './service-deps.js';
export { connectTemporalClient } from './temporal/connect-client.js';
export { temporalConnectionOptions, workflowUiUrl } from './temporal/connection-options.js';
export type { TemporalConnectionOptions } from './temporal/connection-options.js';
export {
  loadAttemptTarget,
  markDeliveryCancelled,
  recordAttempt,
} from './deliveries/attempt-records.js';
export type { AttemptRecord, AttemptTarget } from './deliveries/attempt-records.js';
export { lockDataDir } from './database/data-dir-lock.js';
export {
  DELIVERY_SEARCH_ATTRIBUTE_KEYS,
  initialDeliverySearchAttributes,
} from './temporal/search-attributes.js';
export { recordFanOutPage } from './catalog/fan-out-store.js';
export type { FanOutPage } from './catalog/fan-out-store.js';
export { findPublishedEvent } from './catalog/published-events-store.js';
export type { PublishedEventRow } from './catalog/published-events-store.js';
export { checkAddress } from './network/address-policy.js';
export type { AddressVerdict } from './network/address-policy.js';
export {
  describeAllowedNetworks,
  parseNetworkList,
  resolveAllowedNetworks,
} from './network/allowed-networks.js';
export { formatIpAddress, parseIpAddress } from './network/ip-address.js';
export type { IpAddress } from './network/ip-address.js';
export { InvalidNetworkError, networkContains, parseIpNetwork } from './network/ip-network.js';
export type { IpNetwork } from './network/ip-network.js';
export { LOOPBACK_NETWORKS, SPECIAL_PURPOSE_NETWORKS } from './network/special-purpose-networks.js';
export { describeSecretStorage, SecretBox, SecretUnreadableError } from './secrets/secret-box.js';
export { InvalidSecretKeyError, parseSecretKey } from './secrets/secret-key.js';
export type { SecretKey } from './secrets/secret-key.js';
export { reencryptStoredSecrets } from './secrets/reencrypt-secrets.js';
export { RateLimiter } from './http/rate-limiter.js';
export { findUnsafeInput, MAX_INPUT_DEPTH } from './trpc/find-unsafe-input.js';
