/** Go package path of the Temporal CLI command. */
export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

// Later tags (v1.9.1, for one) have a `replace` directive in go.mod, which `go install pkg@version` rejects.
/** Temporal CLI release that the Go build installs and that names the cache folder. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Go variable that holds the version `temporal --version` prints, set with `-ldflags -X` at build time. */
export const TEMPORAL_CLI_VERSION_VARIABLE = 'github.com/temporalio/cli/temporalcli.Version';
