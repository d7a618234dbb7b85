// Every workflow the worker runs; this file is the entry point of the workflow bundle.
export { deliveryWorkflow } from './delivery-workflow.js';
export { fanOutWorkflow } from './fan-out-workflow.js';
