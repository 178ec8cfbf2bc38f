namespace HvFleet.Orchestrator.Store;

/// <summary>The operation store's SQLite schema, one script per user_version step.</summary>
internal static class SqliteOperationSchema
{
    public const string V1 = """
        CREATE TABLE operations (
            id TEXT PRIMARY KEY,
            kind INTEGER NOT NULL,
            state INTEGER NOT NULL,
            request_id TEXT NULL,
            created_at TEXT NOT NULL,
            started_at TEXT NULL,
            finished_at TEXT NULL,
            dry_run INTEGER NOT NULL,
            source_operation_id TEXT NOT NULL,
            retry_of TEXT NOT NULL,
            message TEXT NOT NULL,
            is_planned INTEGER NOT NULL,
            spec TEXT NOT NULL,
            lease_owner TEXT NULL,
            lease_until TEXT NULL
        );
        CREATE UNIQUE INDEX ux_operations_request_id ON operations (request_id) WHERE request_id IS NOT NULL;
        CREATE INDEX ix_operations_state ON operations (state, created_at);
        CREATE INDEX ix_operations_created ON operations (created_at);
        CREATE TABLE tasks (
            operation_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            host_name TEXT NOT NULL,
            storage_key TEXT NOT NULL,
            target_kind INTEGER NOT NULL,
            target_id TEXT NOT NULL,
            target_name TEXT NOT NULL,
            outcome INTEGER NOT NULL,
            agent_job_id TEXT NOT NULL,
            snapshot_ids TEXT NOT NULL,
            export_path TEXT NOT NULL,
            error TEXT NULL,
            attempts INTEGER NOT NULL,
            started_at TEXT NULL,
            finished_at TEXT NULL,
            percent INTEGER NOT NULL,
            bytes_done INTEGER NOT NULL,
            bytes_total INTEGER NOT NULL,
            wave INTEGER NOT NULL,
            request_id TEXT NOT NULL,
            status_text TEXT NOT NULL,
            previous_job_id TEXT NOT NULL,
            cleaned_up INTEGER NOT NULL,
            PRIMARY KEY (operation_id, id)
        );
        """;
}
