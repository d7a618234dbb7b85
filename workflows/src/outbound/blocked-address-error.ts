/**
 * Raised instead of connecting when an endpoint's address is one webhooks may not reach. The
 * message names the host and the address, and nothing else of the request.
 */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'LASSO_BLOCKED_ADDRESS';
}
