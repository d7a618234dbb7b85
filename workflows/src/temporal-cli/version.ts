/** Go package path of the Temporal CLI command. */
export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

// Later tags (v1.9.1, for one) add a `replace` directive to go.mod, and `go install pkg@version`
// rejects such modules.
/** Temporal CLI release that the Go build installs and that names the cache folder. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Go variable whose value `temporal --version` prints. The build sets it with `-ldflags -X`. */
export const TEMPORAL_CLI_VERSION_VARIABLE = 'github.com/temporalio/cli/temporalcli.Version';
