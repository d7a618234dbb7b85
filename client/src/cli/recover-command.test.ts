import { describe, expect, it } from 'vitest';

import type { RecoverDeliveriesInput, RecoverDeliveriesResult } from '@lasso/contracts';

import type { LassoClient } from '../create-client.js';
import type { CommandContext } from './command-context.js';
import type { RecoverCommand } from './parse-args.js';
import { runRecoverCommand } from './recover-command.js';

const COMMAND: RecoverCommand = {
  name: 'recover',
  tableId: 'tbl_01m91bjcfgryv340sj1rs9v3kr',
  webhookId: undefined,
  since: '2026-12-04T00:00:00Z',
  batch: 2,
};

/** A context whose API returns `results` in turn and records every input and every output. */
function fakeContext(
  results: RecoverDeliveriesResult[],
  options: { isTTY?: boolean; onCall?: (call: number) => void } = {},
) {
  const inputs: RecoverDeliveriesInput[] = [];
  const output: string[] = [];
  const client = {
    deliveries: {
      recover: (input: RecoverDeliveriesInput) => {
        inputs.push(input);
        options.onCall?.(inputs.length);
        const result = results[inputs.length - 1];
        return result === undefined
          ? Promise.reject(new Error('called too often'))
          : Promise.resolve(result);
      },
    },
  } as unknown as LassoClient;
  const context: CommandContext = {
    client,
    stdout: { write: (text) => output.push(text), isTTY: options.isTTY ?? false },
    stderr: { write: (text) => output.push(text), isTTY: false },
  };
  return { context, inputs, text: () => output.join('') };
}

describe('runRecoverCommand', () => {
  it('calls until nothing remains, one line per batch', async () => {
    const fake = fakeContext([
      { started: 2, skipped: 1, remaining: 3 },
      { started: 2, skipped: 3, remaining: 1 },
      { started: 1, skipped: 5, remaining: 0 },
    ]);

    const outcome = await runRecoverCommand(fake.context, COMMAND, new AbortController().signal);

    expect(outcome).toBe('completed');
    expect(fake.inputs).toEqual(
      Array(3).fill({ table_id: COMMAND.tableId, since: COMMAND.since, limit: 2 }),
    );
    expect(fake.text().split('\n')).toEqual([
      'batch 1: started 2, 2/5 replays started, 3 remaining',
      'batch 2: started 2, 4/5 replays started, 1 remaining',
      'batch 3: started 1, 5/5 replays started, 0 remaining',
      `Recovered table ${COMMAND.tableId}: started 5 replays of abandoned deliveries created since ${COMMAND.since}. ` +
        '1 delivery already had a replay and was skipped.',
      '',
    ]);
  });

  it('sends the webhook id for a webhook', async () => {
    const fake = fakeContext([{ started: 1, skipped: 0, remaining: 0 }]);

    await runRecoverCommand(
      fake.context,
      { ...COMMAND, tableId: undefined, webhookId: 'whk_1' },
      new AbortController().signal,
    );

    expect(fake.inputs).toEqual([{ webhook_id: 'whk_1', since: COMMAND.since, limit: 2 }]);
    expect(fake.text()).toContain('Recovered catalog webhook whk_1: started 1 replay of');
  });

  it('redraws one progress bar on a terminal', async () => {
    const fake = fakeContext(
      [
        { started: 2, skipped: 0, remaining: 2 },
        { started: 2, skipped: 2, remaining: 0 },
      ],
      { isTTY: true },
    );

    await runRecoverCommand(fake.context, COMMAND, new AbortController().signal);

    const [bar, summary] = fake.text().split('\n');
    expect(bar).toBe(
      `\r\u001b[K[${'#'.repeat(15)}${'-'.repeat(15)}]  2/4 replays started` +
        `\r\u001b[K[${'#'.repeat(30)}]  4/4 replays started`,
    );
    expect(summary).toMatch(/^Recovered table /);
  });

  it('stops after the current batch when interrupted', async () => {
    const stop = new AbortController();
    // Ctrl-C arrives while the second call runs.
    const fake = fakeContext(
      [
        { started: 2, skipped: 0, remaining: 4 },
        { started: 2, skipped: 2, remaining: 2 },
      ],
      { onCall: (call) => (call === 2 ? stop.abort() : undefined) },
    );

    const outcome = await runRecoverCommand(fake.context, COMMAND, stop.signal);

    expect(outcome).toBe('stopped');
    expect(fake.inputs).toHaveLength(2);
    expect(fake.text()).toContain(
      'Stopped after 4 of 6 replays. Run the same command again to continue where it stopped',
    );
  });

  it('completes when interrupted during the last batch', async () => {
    const stop = new AbortController();
    const fake = fakeContext([{ started: 2, skipped: 0, remaining: 0 }], {
      onCall: () => stop.abort(),
    });

    expect(await runRecoverCommand(fake.context, COMMAND, stop.signal)).toBe('completed');
  });

  it('says when there is nothing to recover', async () => {
    const fake = fakeContext([{ started: 0, skipped: 7, remaining: 0 }]);

    await runRecoverCommand(fake.context, COMMAND, new AbortController().signal);

    expect(fake.text()).toBe(
      `Nothing to recover: no abandoned delivery of table ${COMMAND.tableId} created since ${COMMAND.since} lacks a replay. ` +
        '7 deliveries already had a replay and were skipped.\n',
    );
  });

  it('counts replays another caller started meanwhile', async () => {
    const fake = fakeContext([
      { started: 2, skipped: 0, remaining: 4 },
      { started: 1, skipped: 5, remaining: 0 },
    ]);

    await runRecoverCommand(fake.context, COMMAND, new AbortController().signal);

    expect(fake.text()).toContain('started 3 replays');
    expect(fake.text()).toContain('3 deliveries got a replay from another caller meanwhile.');
  });

  it('reports progress before a failed call', async () => {
    const fake = fakeContext([{ started: 2, skipped: 0, remaining: 3 }]);

    await expect(
      runRecoverCommand(fake.context, COMMAND, new AbortController().signal),
    ).rejects.toThrow('called too often');

    expect(fake.text()).toContain(
      'Started 2 of 5 replays before the error. Run the same command again to continue where it stopped.',
    );
  });

  it('throws instead of looping when the API starts nothing', async () => {
    const fake = fakeContext([{ started: 0, skipped: 0, remaining: 3 }]);

    await expect(
      runRecoverCommand(fake.context, COMMAND, new AbortController().signal),
    ).rejects.toThrow(/started no replay although 3 abandoned deliveries remain/);
  });
});
