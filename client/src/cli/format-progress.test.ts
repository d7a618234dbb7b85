import { describe, expect, it } from 'vitest';

import { formatBatchLine, formatProgressBar } from './format-progress.js';

describe('formatProgressBar', () => {
  it('fills the bar in proportion', () => {
    expect(formatProgressBar(15, 60)).toBe(
      `[${'#'.repeat(8)}${'-'.repeat(22)}]  15/60 replays started`,
    );
  });

  it('shows a full bar when done', () => {
    expect(formatProgressBar(60, 60)).toBe(`[${'#'.repeat(30)}]  60/60 replays started`);
  });

  it('never overfills', () => {
    expect(formatProgressBar(70, 60)).toContain(`[${'#'.repeat(30)}]`);
  });
});

describe('formatBatchLine', () => {
  it('describes one batch', () => {
    expect(
      formatBatchLine({ batch: 2, startedInBatch: 25, started: 50, total: 60, remaining: 10 }),
    ).toBe('batch 2: started 25, 50/60 replays started, 10 remaining');
  });
});
