// `npm run keys -- <command>`: makes, lists and revokes API keys in the configured database, and
// re-encrypts stored webhook secrets after a LASSO_SECRET_KEY change.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { workspaceNameSchema } from '@lasso/contracts';

import { generateApiKey, listApiKeys, revokeApiKey, storeApiKey } from '../auth/api-keys.js';
import { ConfigError, parseEnv, serviceEnvSchema } from '../config.js';
import { lockDataDir } from '../database/data-dir-lock.js';
import { openDatabase } from '../database/open-database.js';
import { reencryptStoredSecrets } from '../secrets/reencrypt-secrets.js';
import { describeSecretStorage, SecretBox } from '../secrets/secret-box.js';

const USAGE = `Usage: npm run keys -- <command> [options]

Commands:
  create --workspace NAME [--description TEXT]   make a key for a workspace and print it once
  list [--workspace NAME]                        list keys (their first characters, never the key)
  revoke --id KEY_ID                             revoke a key; requests with it fail at once
  generate                                       print a random key without storing it,
                                                 for LASSO_BOOTSTRAP_API_KEY
  rotate-secrets                                 re-encrypt every stored webhook secret and auth
                                                 header value with LASSO_SECRET_KEY, reading old
                                                 rows with LASSO_PREVIOUS_SECRET_KEYS

The database is PostgreSQL at DATABASE_URL when set, else the embedded one in DATA_DIR (./.data).`;

class UsageError extends Error {}

const OPTIONS = {
  workspace: { type: 'string' },
  description: { type: 'string' },
  id: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // node:util raises TypeError for an unknown option or a missing option value.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

// PGlite allows one process per folder, so the embedded database cannot be changed while `npm start` runs.
// TODO(keys): reach a running embedded service instead of asking the user to stop it.
async function lockEmbeddedDatabase(dataDir: string) {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockDataDir(dataDir);
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n` +
        'The embedded database can be opened by one process at a time: stop `npm start`, run this command, then start it again. ' +
        'With PostgreSQL (DATABASE_URL), keys can be managed while the service runs.',
      { cause: error },
    );
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseCommandLine(argv);
  const command = positionals[0];

  if (values.help || command === undefined) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (command === 'generate') {
    process.stdout.write(generateApiKey() + '\n');
    return;
  }
  if (!['create', 'list', 'revoke', 'rotate-secrets'].includes(command)) {
    throw new UsageError(`Unknown command "${command}".`);
  }

  const workspace = workspaceNameSchema.safeParse(values.workspace);
  if (command === 'create' && !workspace.success) {
    throw new UsageError(
      values.workspace === undefined
        ? '--workspace is required.'
        : `--workspace ${workspace.error.issues[0]?.message ?? 'is invalid'}.`,
    );
  }
  if (command === 'revoke' && values.id === undefined) {
    throw new UsageError('--id is required; `npm run keys -- list` shows the ids.');
  }

  const env = parseEnv(serviceEnvSchema);
  const dataDir = path.resolve(env.DATA_DIR);
  const lock = env.DATABASE_URL === undefined ? await lockEmbeddedDatabase(dataDir) : null;
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });

  try {
    if (command === 'rotate-secrets') {
      const box = new SecretBox({
        current: env.LASSO_SECRET_KEY,
        previous: env.LASSO_PREVIOUS_SECRET_KEYS,
      });
      const result = await reencryptStoredSecrets(db, box);
      process.stdout.write(
        `Rewrote ${result.rewritten} stored values; ${result.alreadyCurrent} were already current. Secrets are ${describeSecretStorage(box)}.\n`,
      );
      return;
    }

    if (command === 'create') {
      const key = generateApiKey();
      const record = await storeApiKey(db, {
        key,
        workspace: workspace.data as string,
        ...(values.description !== undefined ? { description: values.description } : {}),
      });
      process.stderr.write(
        `Created key ${record.id} for workspace "${record.workspace}". It is shown only now:\n`,
      );
      process.stdout.write(key + '\n');
      return;
    }

    if (command === 'list') {
      const keys = await listApiKeys(db, values.workspace);
      for (const key of keys) {
        const state =
          key.revoked_at === null ? 'active' : `revoked ${key.revoked_at.toISOString()}`;
        process.stdout.write(
          [
            key.id,
            key.workspace,
            key.key_hint,
            key.created_at.toISOString(),
            state,
            key.description ?? '',
          ].join('\t') + '\n',
        );
      }
      return;
    }

    const id = values.id as string;
    if (!(await revokeApiKey(db, id))) {
      throw new UsageError(
        `No active key has the id ${id}; \`npm run keys -- list\` shows the ids.`,
      );
    }
    process.stdout.write(`Revoked ${id}.\n`);
  } finally {
    await db.close();
    await lock?.release();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`keys: ${message}\n`);
  process.exit(1);
});
