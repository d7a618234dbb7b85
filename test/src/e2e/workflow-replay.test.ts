import { readdir, readFile } from 'node:fs/promises';

import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

import { WORKFLOW_BUNDLE_PATH } from '@lasso/workflows';

import { HISTORY_FIXTURES_DIR } from '../support/history-fixtures.js';

const fixtureNames = (await readdir(HISTORY_FIXTURES_DIR))
  .filter((name) => name.endsWith('.json'))
  .sort();

// Each fixture is the history of a real delivery. Replaying it against the current workflow code
// fails when a change alters the sequence of commands without a version marker (workflow.patched),
// which would break workflows that are running when the change is deployed.
describe('recorded workflow histories', () => {
  it('include the main delivery paths', () => {
    const scenarios = [
      'delivery-abandoned',
      'delivery-cancelled',
      'delivery-replay-of-succeeded',
      'delivery-succeeded-on-retry',
      'delivery-succeeded',
      'fan-out',
    ];
    for (const scenario of scenarios) {
      const recorded = fixtureNames.filter((name) =>
        new RegExp(`^${scenario}-\\d{4}-\\d{2}-\\d{2}(-\\d+)?\\.json$`).test(name),
      );
      expect(recorded, scenario).not.toHaveLength(0);
    }
  });

  for (const name of fixtureNames) {
    it(`replay without nondeterminism: ${name}`, async () => {
      // The SDK converts the history from its JSON form itself. That needs one copy of protobufjs
      // for all @temporalio packages, which is why the root package.json pins protobufjs 8.8.1.
      const history: unknown = JSON.parse(
        await readFile(`${HISTORY_FIXTURES_DIR}/${name}`, 'utf8'),
      );
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } },
        history,
        name,
      );
    });
  }
});
