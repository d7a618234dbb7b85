import { describe, expect, it } from 'vitest';

import type { Delivery, DeliveryWithAttempts } from '@lasso/contracts';

import {
  formatDeliveryDetail,
  formatDeliveryLine,
  formatDeliveryTable,
  formatDuration,
  formatTime,
} from './format-delivery.js';

const DELIVERY: Delivery = {
  id: 'dlv_01m91bjcfgryv340sj1rs9v3kr',
  event: 'table.completed',
  event_id: 'evt_01m91bjcfgryv340sj1rs9v3kr',
  table_id: 'tbl_01m91bjcfgryv340sj1rs9v3kr',
  webhook_id: null,
  url: 'https://hooks.partner.test/lasso/webhooks/incoming/table-events',
  status: 'pending',
  attempt_count: 2,
  next_attempt_at: '2026-12-04T20:16:13.694Z',
  created_at: '2026-12-04T20:11:13.370Z',
  finished_at: null,
  replay_of: null,
  workflow_id: 'delivery-dlv_01m91bjcfgryv340sj1rs9v3kr',
  temporal_ui_url:
    'http://127.0.0.1:8233/namespaces/default/workflows/delivery-dlv_01m91bjcfgryv340sj1rs9v3kr',
};

const WITH_ATTEMPTS: DeliveryWithAttempts = {
  ...DELIVERY,
  attempts: [
    {
      number: 1,
      delivery_attempt_id: 'att_1',
      url: DELIVERY.url,
      started_at: '2026-12-04T20:11:13.400Z',
      duration_ms: 10_000,
      status_code: null,
      outcome: 'timeout',
      error: 'no response within 10 seconds',
      response_body: null,
    },
    {
      number: 2,
      delivery_attempt_id: 'att_2',
      url: DELIVERY.url,
      started_at: '2026-12-04T20:11:53.400Z',
      duration_ms: 42,
      status_code: 503,
      outcome: 'http_error',
      error: null,
      response_body: 'down',
    },
  ],
};

describe('formatTime', () => {
  it('shows UTC to the second', () => {
    expect(formatTime('2026-12-04T20:11:13.370Z')).toBe('2026-12-04T20:11:13Z');
  });

  it('converts an offset to UTC', () => {
    expect(formatTime('2026-12-04T21:11:13.000+01:00')).toBe('2026-12-04T20:11:13Z');
  });

  it('shows a dash for null', () => {
    expect(formatTime(null)).toBe('-');
  });
});

describe('formatDuration', () => {
  it('uses milliseconds below a second and seconds above', () => {
    expect(formatDuration(840)).toBe('840 ms');
    expect(formatDuration(10_000)).toBe('10.0 s');
  });
});

describe('formatDeliveryTable', () => {
  it('shows one row per delivery under a header', () => {
    const [header, row] = formatDeliveryTable([DELIVERY]).split('\n');

    expect(header).toMatch(/^ID\s+EVENT\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+CREATED\s+URL$/);
    expect(row).toContain(`${DELIVERY.id}  table.completed  pending`);
    expect(row).toContain('2026-12-04T20:16:13Z  2026-12-04T20:11:13Z');
  });

  it('truncates the URL to 48 characters', () => {
    const row = formatDeliveryTable([DELIVERY]).split('\n')[1] ?? '';

    expect(row).toContain('https://hooks.partner.test/lasso/webhooks/incom…');
    expect(row).not.toContain('table-events');
  });
});

describe('formatDeliveryLine', () => {
  it('puts the status, attempts and URL on one line', () => {
    expect(formatDeliveryLine({ ...DELIVERY, status: 'cancelled', next_attempt_at: null })).toBe(
      `${DELIVERY.id}  cancelled  table.completed  attempts 2  next attempt -  ${DELIVERY.url}`,
    );
  });

  it('names the replayed delivery', () => {
    const line = formatDeliveryLine({ ...DELIVERY, id: 'dlv_new', replay_of: DELIVERY.id });

    expect(line).toMatch(new RegExp(`^dlv_new .* replay of ${DELIVERY.id}$`));
  });
});

describe('formatDeliveryDetail', () => {
  it('shows the fields, the Temporal UI link and every attempt', () => {
    const lines = formatDeliveryDetail(WITH_ATTEMPTS).split('\n');

    expect(lines[0]).toBe(`Delivery ${DELIVERY.id}`);
    expect(lines).toContain(`  table         ${DELIVERY.table_id}`);
    expect(lines).toContain(`  Temporal UI   ${DELIVERY.temporal_ui_url}`);
    expect(lines).toContain('#  STARTED               DURATION  STATUS  OUTCOME     ERROR');
    expect(lines).toContain(
      '1  2026-12-04T20:11:13Z  10.0 s    -       timeout     no response within 10 seconds',
    );
    expect(lines).toContain('2  2026-12-04T20:11:53Z  42 ms     503     http_error  -');
  });

  it('names the catalog webhook of a catalog delivery', () => {
    const detail = formatDeliveryDetail({ ...WITH_ATTEMPTS, table_id: null, webhook_id: 'whk_1' });

    expect(detail).toContain('  webhook       whk_1');
  });

  it('says when no attempt has been made', () => {
    expect(formatDeliveryDetail({ ...WITH_ATTEMPTS, attempts: [] })).toMatch(
      /\n\nNo attempts yet\.$/,
    );
  });
});
