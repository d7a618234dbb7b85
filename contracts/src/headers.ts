/** Headers every delivery attempt carries, spelled as they are sent. */
export const DELIVERY_HEADERS = {
  event: 'X-Lasso-Event',
  deliveryId: 'X-Lasso-Delivery-Id',
  signature: 'X-Lasso-Signature',
  eventId: 'X-Lasso-Event-Id',
  attempt: 'X-Lasso-Attempt',
} as const;

/** Prefix of the signature header's value; the rest is the lowercase hex HMAC-SHA256 of the body. */
export const SIGNATURE_PREFIX = 'sha256=';
