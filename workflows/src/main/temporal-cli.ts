// Resolves the Temporal CLI, building it into the user cache when needed, and prints its path on
// stdout. Log lines go to stderr. When the SDK will download the dev server itself, stdout stays
// empty, so `TEMPORAL_CLI_PATH=$(...)` leaves the variable empty, which counts as unset.
import { resolveTemporalCli } from '../temporal-cli/index.js';

try {
  const resolved = await resolveTemporalCli();
  if (resolved.type === 'existing-path') {
    process.stdout.write(`${resolved.path}\n`);
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`[temporal-cli] ${message}\n`);
  process.exitCode = 1;
}
