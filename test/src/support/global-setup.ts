import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';

import { DELIVERY_SEARCH_ATTRIBUTE_KEYS } from '@lasso/server';
import { resolveTemporalCli, toEphemeralExecutable } from '@lasso/workflows';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCliPath: string | null;
  }
}

/** Starts one real Temporal dev server for the whole run; each test file uses its own task queue. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const executable = await resolveTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: toEphemeralExecutable(executable),
      ip: '127.0.0.1',
      searchAttributes: Object.values(DELIVERY_SEARCH_ATTRIBUTE_KEYS),
    },
  });

  project.provide('temporalAddress', env.address);
  project.provide('temporalCliPath', executable.type === 'existing-path' ? executable.path : null);

  return async () => {
    await env.teardown();
  };
}
