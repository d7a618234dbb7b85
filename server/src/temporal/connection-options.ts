import { readFile } from 'node:fs/promises';

import type { TemporalEnv } from '../config.js';

/** Options shared by client and worker connections: address, TLS and API key. */
export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
}

/**
 * Builds connection options for a Temporal cluster from the environment. TLS is on when asked for,
 * when client certificates are given, or when an API key is (hosted clusters require TLS with keys).
 */
export async function temporalConnectionOptions(
  env: TemporalEnv,
  address: string,
): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address };
  if (env.TEMPORAL_API_KEY !== undefined) {
    options.apiKey = env.TEMPORAL_API_KEY;
  }

  const hasClientCert =
    env.TEMPORAL_TLS_CERT_PATH !== undefined || env.TEMPORAL_TLS_KEY_PATH !== undefined;
  const useTls =
    env.TEMPORAL_TLS ||
    hasClientCert ||
    env.TEMPORAL_API_KEY !== undefined ||
    env.TEMPORAL_TLS_CA_PATH !== undefined;
  if (!useTls) {
    return options;
  }

  const tls: NonNullable<TemporalConnectionOptions['tls']> = {};
  if (env.TEMPORAL_TLS_SERVER_NAME !== undefined) {
    tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
  }
  if (env.TEMPORAL_TLS_CA_PATH !== undefined) {
    tls.serverRootCACertificate = await readFile(env.TEMPORAL_TLS_CA_PATH);
  }
  if (hasClientCert) {
    if (env.TEMPORAL_TLS_CERT_PATH === undefined || env.TEMPORAL_TLS_KEY_PATH === undefined) {
      throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
    }
    tls.clientCertPair = {
      crt: await readFile(env.TEMPORAL_TLS_CERT_PATH),
      key: await readFile(env.TEMPORAL_TLS_KEY_PATH),
    };
  }
  options.tls = tls;
  return options;
}

/** Link to a workflow's page in the Temporal Web UI. */
export function workflowUiUrl(options: {
  uiUrl: string;
  namespace: string;
  workflowId: string;
}): string {
  const base = options.uiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(options.namespace)}/workflows/${encodeURIComponent(options.workflowId)}`;
}
