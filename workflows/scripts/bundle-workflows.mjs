// Bundles the compiled workflows the way the worker loads them, so an import that the workflow
// sandbox forbids (a Node built-in, say) fails the build instead of a running worker.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('../dist/workflows/index.js', import.meta.url));
const bundlePath = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

const { code } = await bundleWorkflowCode({
  workflowsPath,
  logger: { log() {}, info() {}, warn: console.warn, error: console.error, debug() {}, trace() {} },
});
await writeFile(bundlePath, code);
console.log(`workflow bundle written to ${bundlePath} (${Math.round(code.length / 1024)} KiB)`);
