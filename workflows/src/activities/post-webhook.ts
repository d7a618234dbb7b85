import { request, type Dispatcher } from 'undici';

import {
  ATTEMPT_TIMEOUT_MS,
  MAX_RESPONSE_BODY_READ_BYTES,
  MAX_RESPONSE_BODY_STORED_BYTES,
  type AttemptOutcome,
} from '@lasso/contracts';

import { BlockedAddressError } from '../outbound/blocked-address-error.js';
import { createGuardedAgent } from '../outbound/guarded-agent.js';

/** One POST to an endpoint, described for the attempt record. */
export interface HttpAttemptResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  error: string | null;
  /** The first KiB of the response body, or null when none was read. */
  responseBody: string | null;
  durationMs: number;
}

export interface PostWebhookOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs?: number;
  /** The worker passes a pool guarded by its allowed networks; see createGuardedAgent. */
  dispatcher?: Dispatcher;
}

// Without a dispatcher from the caller, every special-purpose address stays blocked.
const sharedDispatcher = createGuardedAgent({ allowedNetworks: [] });

/**
 * Sends one signed POST and reports how it went; it never throws for an endpoint's failure. The
 * status line and headers must arrive within the timeout. Redirects are not followed, since a 3xx
 * is a failed attempt. The body is read up to 64 KiB for the record until the same deadline, then
 * dropped.
 */
export async function postWebhook(options: PostWebhookOptions): Promise<HttpAttemptResult> {
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const startedAt = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const elapsed = () => Math.round(performance.now() - startedAt);

  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(options.url, {
        method: 'POST',
        headers: options.headers,
        body: options.body,
        signal: controller.signal,
        dispatcher: options.dispatcher ?? sharedDispatcher,
      });
    } catch (error) {
      if (error instanceof BlockedAddressError) {
        return {
          outcome: 'blocked',
          statusCode: null,
          error: error.message,
          responseBody: null,
          durationMs: elapsed(),
        };
      }
      if (controller.signal.aborted) {
        return {
          outcome: 'timeout',
          statusCode: null,
          error: `no response within ${timeoutMs} ms`,
          responseBody: null,
          durationMs: elapsed(),
        };
      }
      return {
        outcome: 'network_error',
        statusCode: null,
        error: describeNetworkError(error),
        responseBody: null,
        durationMs: elapsed(),
      };
    }

    // The status decides the outcome; the body is only kept for the record.
    const durationMs = elapsed();
    const responseBody = await readBodyPrefix(response.body);
    const succeeded = response.statusCode >= 200 && response.statusCode < 300;
    return {
      outcome: succeeded ? 'succeeded' : 'http_error',
      statusCode: response.statusCode,
      error: succeeded ? null : `endpoint answered HTTP ${response.statusCode}`,
      responseBody,
      durationMs,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function readBodyPrefix(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      chunks.push(buffer);
      size += buffer.length;
      if (size >= MAX_RESPONSE_BODY_READ_BYTES) {
        break;
      }
    }
  } catch {
    // A body that stalls past the deadline or breaks off keeps what arrived; the status already decided.
  } finally {
    body.destroy();
  }

  if (size === 0) {
    return null;
  }
  const prefix = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY_STORED_BYTES);
  // Cutting at 1 KiB may split a UTF-8 sequence, which the decoder replaces; PostgreSQL text cannot hold NUL.
  return prefix.toString('utf8').replaceAll('\u0000', '');
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) {
    return 'request failed';
  }
  const code = (error as { code?: unknown }).code;
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  const label =
    typeof code === 'string' ? code : typeof causeCode === 'string' ? causeCode : error.name;
  return `${label}: ${error.message}`.slice(0, 500);
}
