import type { Attempt, Delivery, DeliveryWithAttempts } from '@lasso/contracts';

import { escapeControlCharacters, formatTable, truncate } from './format-table.js';

/** Characters of a URL shown in the deliveries table. */
export const LIST_URL_WIDTH = 48;

/** Formats an API time as UTC to the second, such as 2026-12-04T20:11:13Z, or "-" for null. */
export function formatTime(iso: string | null): string {
  if (iso === null) {
    return '-';
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) {
    return iso;
  }
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Formats a duration as "840 ms" below a second and "2.5 s" from a second on. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Lays out deliveries as a table: id, event, status, attempts, next attempt, created and URL. */
export function formatDeliveryTable(deliveries: readonly Delivery[]): string {
  const header = ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'CREATED', 'URL'];
  const rows = deliveries.map((delivery) => [
    delivery.id,
    delivery.event,
    delivery.status,
    String(delivery.attempt_count),
    formatTime(delivery.next_attempt_at),
    formatTime(delivery.created_at),
    truncate(delivery.url, LIST_URL_WIDTH),
  ]);
  return formatTable(header, rows);
}

/** Formats a delivery as one line, as `cancel` and `replay` print it. */
export function formatDeliveryLine(delivery: Delivery): string {
  const parts = [
    delivery.id,
    delivery.status,
    delivery.event,
    `attempts ${delivery.attempt_count}`,
    `next attempt ${formatTime(delivery.next_attempt_at)}`,
    delivery.url,
  ];
  if (delivery.replay_of !== null) {
    parts.push(`replay of ${delivery.replay_of}`);
  }
  return escapeControlCharacters(parts.join('  '));
}

/** Formats a delivery's fields, a table of its attempts and its Temporal Web UI link. */
export function formatDeliveryDetail(delivery: DeliveryWithAttempts): string {
  const fields: Array<[string, string]> = [
    ['event', `${delivery.event} (${delivery.event_id})`],
    ['status', delivery.status],
    delivery.table_id !== null
      ? ['table', delivery.table_id]
      : ['webhook', delivery.webhook_id ?? '-'],
    ['url', delivery.url],
    ['attempts', String(delivery.attempt_count)],
    ['next attempt', formatTime(delivery.next_attempt_at)],
    ['created', formatTime(delivery.created_at)],
    ['finished', formatTime(delivery.finished_at)],
    ['replay of', delivery.replay_of ?? '-'],
    ['workflow', delivery.workflow_id],
    ['Temporal UI', delivery.temporal_ui_url],
  ];
  const nameWidth = Math.max(...fields.map(([name]) => name.length));
  const fieldLines = fields.map(
    ([name, value]) => `  ${name.padEnd(nameWidth)}  ${escapeControlCharacters(value)}`,
  );

  const attempts =
    delivery.attempts.length === 0 ? 'No attempts yet.' : formatAttemptTable(delivery.attempts);
  return [`Delivery ${delivery.id}`, ...fieldLines, '', attempts].join('\n');
}

function formatAttemptTable(attempts: readonly Attempt[]): string {
  const header = ['#', 'STARTED', 'DURATION', 'STATUS', 'OUTCOME', 'ERROR'];
  const rows = attempts.map((attempt) => [
    String(attempt.number),
    formatTime(attempt.started_at),
    formatDuration(attempt.duration_ms),
    attempt.status_code === null ? '-' : String(attempt.status_code),
    attempt.outcome,
    attempt.error ?? '-',
  ]);
  return formatTable(header, rows);
}
