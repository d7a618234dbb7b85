/** A JSON response of the API with the time the call took, in ms. */
export interface ApiResponse {
  status: number;
  body: any;
  /** From sending the request until the whole response body was read. */
  durationMs: number;
  /** `performance.now()` when the response body had been read: when the call returned. */
  returnedAt: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Calls the JSON API of one service with one API key, over keep-alive connections. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** Sends one request; a network failure or a 30 s timeout is returned as status 0 with the error as body. */
  async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const startedAt = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.apiKey}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const returnedAt = performance.now();
      return {
        status: response.status,
        body: text === '' ? null : JSON.parse(text),
        durationMs: returnedAt - startedAt,
        returnedAt,
      };
    } catch (error) {
      const returnedAt = performance.now();
      return {
        status: 0,
        body: { message: String(error) },
        durationMs: returnedAt - startedAt,
        returnedAt,
      };
    }
  }

  /** Creates a catalog webhook subscription and returns its id; throws on any status but 201. */
  async createSubscription(fields: {
    url: string;
    events: string[];
    secret: string;
    description?: string;
  }): Promise<string> {
    const response = await this.request('POST', '/api/v1/catalog/webhooks', fields);
    if (response.status !== 201) {
      throw new Error(
        `creating a subscription to ${fields.url} failed with ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return String(response.body.id);
  }
}

/**
 * Creates one subscription per URL, `concurrency` at a time, and returns their ids in URL order.
 * Throws on the first failure.
 */
export async function createSubscriptions(
  api: ApiClient,
  options: {
    urls: string[];
    event: string;
    secret: string;
    concurrency?: number;
    onCreated?: () => void;
  },
): Promise<string[]> {
  const ids: string[] = new Array<string>(options.urls.length);
  let next = 0;
  const createNext = async (): Promise<void> => {
    while (next < options.urls.length) {
      const index = next++;
      ids[index] = await api.createSubscription({
        url: options.urls[index]!,
        events: [options.event],
        secret: options.secret,
      });
      options.onCreated?.();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, createNext));
  return ids;
}

/**
 * Deletes subscriptions, `concurrency` at a time, which cancels their pending deliveries so none
 * of their retries land in a later scenario. Returns how many deliveries that cancelled; throws on
 * any status but 200 or 404.
 */
export async function deleteSubscriptions(
  api: ApiClient,
  options: { ids: readonly string[]; concurrency?: number },
): Promise<number> {
  let next = 0;
  let cancelled = 0;
  const deleteNext = async (): Promise<void> => {
    while (next < options.ids.length) {
      const id = options.ids[next++]!;
      const response = await api.request('DELETE', `/api/v1/catalog/webhooks/${id}`);
      if (response.status !== 200 && response.status !== 404) {
        throw new Error(
          `deleting subscription ${id} failed with ${response.status}: ${JSON.stringify(response.body)}`,
        );
      }
      cancelled += Number(response.body?.cancelled_deliveries ?? 0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, deleteNext));
  return cancelled;
}
