/** Largest `data` of a published event, in bytes of its UTF-8 JSON; larger data is rejected with 413. */
export const MAX_EVENT_DATA_BYTES = 256 * 1024;
