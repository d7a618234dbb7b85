import type { Database } from './database.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Applied in order, each once; a released migration is never edited, only followed by a new one.
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'tables, events, deliveries and api keys',
    sql: `
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        workspace text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_hint text NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );

      CREATE TABLE tables (
        id text PRIMARY KEY,
        workspace text NOT NULL,
        schema_id text NOT NULL,
        name text NOT NULL,
        file_ids jsonb NOT NULL,
        status text NOT NULL,
        total_rows bigint,
        error jsonb,
        webhook_url text,
        webhook_secret text,
        webhook_auth_header_name text,
        webhook_auth_header_value text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX tables_workspace_id ON tables (workspace, id DESC);

      CREATE TABLE events (
        id text PRIMARY KEY,
        workspace text NOT NULL,
        event text NOT NULL,
        body text NOT NULL,
        table_id text REFERENCES tables (id),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE deliveries (
        id text PRIMARY KEY,
        workspace text NOT NULL,
        event_id text NOT NULL REFERENCES events (id),
        event text NOT NULL,
        table_id text REFERENCES tables (id),
        webhook_id text,
        url text NOT NULL,
        status text NOT NULL,
        attempt_count integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        replay_of text REFERENCES deliveries (id),
        workflow_id text NOT NULL UNIQUE
      );
      CREATE INDEX deliveries_workspace_id ON deliveries (workspace, id DESC);
      CREATE INDEX deliveries_table ON deliveries (table_id, id DESC);
      CREATE INDEX deliveries_event ON deliveries (event_id);

      CREATE TABLE delivery_attempts (
        delivery_id text NOT NULL REFERENCES deliveries (id),
        number integer NOT NULL,
        delivery_attempt_id text NOT NULL,
        url text NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        outcome text NOT NULL,
        error text,
        response_body text,
        PRIMARY KEY (delivery_id, number)
      );
    `,
  },
  {
    version: 2,
    name: 'catalog webhooks and idempotency keys of published events',
    sql: `
      CREATE TABLE catalog_webhooks (
        id text PRIMARY KEY,
        workspace text NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL,
        secret text,
        auth_header_name text,
        auth_header_value text,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- Deleted subscriptions stay, without secrets, so their deliveries still name them.
        deleted_at timestamptz
      );
      CREATE INDEX catalog_webhooks_workspace_id ON catalog_webhooks (workspace, id);

      ALTER TABLE deliveries ADD CONSTRAINT deliveries_webhook_id_fkey
        FOREIGN KEY (webhook_id) REFERENCES catalog_webhooks (id);
      CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id DESC);

      ALTER TABLE events ADD COLUMN idempotency_key text;

      -- One live key per workspace; a key older than the 24-hour window is taken over by the next publish.
      CREATE TABLE event_idempotency_keys (
        workspace text NOT NULL,
        idempotency_key text NOT NULL,
        event_id text NOT NULL REFERENCES events (id) DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (workspace, idempotency_key)
      );
    `,
  },
  {
    version: 3,
    name: 'index of replays by original delivery',
    sql: `
      CREATE INDEX deliveries_replay_of ON deliveries (replay_of) WHERE replay_of IS NOT NULL;
    `,
  },
];

/** Brings the schema up to date; safe to run from several processes at once on PostgreSQL. */
export async function migrateDatabase(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    // One lock for everyone who migrates, so two starting processes never apply the same step twice.
    await tx.query('SELECT pg_advisory_xact_lock(7261009)');
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);

    const applied = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const appliedVersions = new Set(applied.map((row) => row.version));

    for (const migration of MIGRATIONS) {
      if (appliedVersions.has(migration.version)) {
        continue;
      }
      await tx.execute(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}
