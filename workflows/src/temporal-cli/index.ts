export { cachedTemporalCliPath, temporalCliCacheFolder, userCacheFolder } from './cache-path.js';
export type { Environment } from './environment.js';
export {
  resolveTemporalCli,
  toEphemeralExecutable,
  type ResolveTemporalCliOptions,
  type TemporalCliExecutable,
} from './resolve.js';
export { TEMPORAL_CLI_PACKAGE, TEMPORAL_CLI_VERSION } from './version.js';
