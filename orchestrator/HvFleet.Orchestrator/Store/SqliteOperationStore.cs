using System.Globalization;
using System.Text.Json;
using HvFleet.Orchestrator.Operations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Store;

/// <summary>Operations and tasks in one SQLite file (WAL) in the orchestrator's data directory. Writes are serialized
/// in-process (SQLite has one writer anyway) so that concurrent task updates never meet SQLITE_BUSY.</summary>
internal sealed class SqliteOperationStore : IOperationStore, IDisposable
{
    /// <summary>Schema version kept in PRAGMA user_version.</summary>
    internal const int SchemaVersion = 1;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private readonly TaskUpdateGroupCommit _taskUpdates;
    private readonly ILogger _logger;
    private IReadOnlyList<string> _historyWithoutStore;

    public SqliteOperationStore(IOptions<SqliteOperationStoreOptions> options, TimeProvider timeProvider, ILogger<SqliteOperationStore>? logger = null)
    {
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var value = options.Value;
        Directory.CreateDirectory(value.DataDirectory);
        DatabasePath = Path.Combine(value.DataDirectory, value.FileName);

        // Looked at before anything opens (and so creates) the database file.
        _historyWithoutStore = SqliteStoreHistory.FindWithoutStore(DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = (int)Math.Ceiling(value.BusyTimeout.TotalSeconds),
            Pooling = true,
        }.ToString();
        _taskUpdates = new TaskUpdateGroupCommit(WriteTaskUpdatesAsync);
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            long version = (long)(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken) ?? 0L);
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"{DatabasePath} has schema version {version}; this orchestrator knows up to {SchemaVersion}. Upgrade the orchestrator.");
            }

            if (version < 1)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, SqliteOperationSchema.V1, cancellationToken, transaction);
                await ExecuteAsync(connection, $"PRAGMA user_version = {SchemaVersion};", cancellationToken, transaction);
                await transaction.CommitAsync(cancellationToken);
            }

            if (_historyWithoutStore.Count > 0)
            {
                SqliteStoreHistory.LogNewStoreOverHistory(_logger, DatabasePath, string.Join(", ", _historyWithoutStore));
                _historyWithoutStore = [];
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<OperationCreateResult> CreateAsync(FleetOperation operation, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            if (operation.RequestId.Length > 0)
            {
                await using var find = connection.CreateCommand();
                find.Transaction = transaction;
                find.CommandText = "SELECT id FROM operations WHERE request_id = $r;";
                find.Parameters.AddWithValue("$r", operation.RequestId);
                if (await find.ExecuteScalarAsync(cancellationToken) is string existingId)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    var existing = await SqliteOperationRows.ReadOperationAsync(connection, existingId, cancellationToken);
                    return new OperationCreateResult(existing!, Created: false);
                }
            }

            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO operations (id, kind, state, request_id, created_at, started_at, finished_at, dry_run,
                        source_operation_id, retry_of, message, is_planned, spec)
                    VALUES ($id, $kind, $state, $request, $created, $started, $finished, $dry, $source, $retry, $message, $planned, $spec);
                    """;
                SqliteOperationRows.BindOperation(insert, operation);
                insert.Parameters.AddWithValue("$kind", (int)operation.Kind);
                insert.Parameters.AddWithValue("$request", operation.RequestId.Length > 0 ? operation.RequestId : DBNull.Value);
                insert.Parameters.AddWithValue("$created", SqliteOperationRows.Format(operation.CreatedAt));
                insert.Parameters.AddWithValue("$dry", operation.DryRun ? 1 : 0);
                insert.Parameters.AddWithValue("$source", operation.SourceOperationId);
                insert.Parameters.AddWithValue("$retry", operation.RetryOf);
                insert.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(OperationSpec.From(operation), SqliteOperationRows.Json));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await SqliteOperationRows.InsertTasksAsync(connection, transaction, operation.Id, operation.Tasks, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new OperationCreateResult(operation, Created: true);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<FleetOperation?> GetAsync(string operationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteOperationRows.ReadOperationAsync(connection, operationId, cancellationToken);
    }

    public async Task<IReadOnlyList<FleetOperation>> ListAsync(OperationQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        string filter = query.States.Count == 0
            ? ""
            : $"WHERE state IN ({string.Join(", ", query.States.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))})";
        command.CommandText = $"SELECT id FROM operations {filter} ORDER BY created_at DESC, rowid DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", Math.Max(1, query.Limit));
        var ids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var operations = new List<FleetOperation>(ids.Count);
        foreach (string id in ids)
        {
            if (await SqliteOperationRows.ReadOperationAsync(connection, id, cancellationToken) is { } operation)
            {
                operations.Add(operation);
            }
        }

        return operations;
    }

    public async Task UpdateOperationAsync(FleetOperation operation, CancellationToken cancellationToken)
    {
        await WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE operations SET state = CASE WHEN state = $cancelling AND $state IN ($pending, $running) THEN state ELSE $state END,
                    started_at = $started, finished_at = $finished, message = $message, is_planned = $planned WHERE id = $id;
                """;
            SqliteOperationRows.BindOperation(command, operation);
            BindActiveStates(command);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new InvalidOperationException($"operation {operation.Id} is not in the store");
            }
        }, cancellationToken);
    }

    public async Task<FleetOperation?> RequestCancelAsync(string operationId, CancellationToken cancellationToken)
    {
        await WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE operations SET state = $cancelling WHERE id = $id AND state IN ($pending, $running);";
            command.Parameters.AddWithValue("$id", operationId);
            BindActiveStates(command);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        return await GetAsync(operationId, cancellationToken);
    }

    public async Task<OperationState?> GetStateAsync(string operationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM operations WHERE id = $id;";
        command.Parameters.AddWithValue("$id", operationId);
        return await command.ExecuteScalarAsync(cancellationToken) is long state ? (OperationState)state : null;
    }

    public async Task SavePlanAsync(string operationId, IReadOnlyList<FleetTask> tasks, CancellationToken cancellationToken)
    {
        await WriteAsync(async (connection, transaction) =>
        {
            await using (var delete = connection.CreateCommand())
            {
                // A plan interrupted by a restart is made again from scratch; request ids are deterministic.
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM tasks WHERE operation_id = $op;";
                delete.Parameters.AddWithValue("$op", operationId);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await SqliteOperationRows.InsertTasksAsync(connection, transaction, operationId, tasks, cancellationToken);
            await using var mark = connection.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "UPDATE operations SET is_planned = 1 WHERE id = $op;";
            mark.Parameters.AddWithValue("$op", operationId);
            if (await mark.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new InvalidOperationException($"operation {operationId} is not in the store");
            }
        }, cancellationToken);
    }

    /// <summary>Group commit (<see cref="TaskUpdateGroupCommit"/>): returns once this update is committed.</summary>
    public Task UpdateTaskAsync(string operationId, FleetTask task, CancellationToken cancellationToken) =>
        _taskUpdates.UpdateAsync(operationId, task, cancellationToken);

    public async Task<bool> TryAcquireLeaseAsync(string operationId, string owner, DateTimeOffset until, CancellationToken cancellationToken)
    {
        bool acquired = false;
        await WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE operations SET lease_owner = $owner, lease_until = $until
                WHERE id = $id AND (lease_owner IS NULL OR lease_owner = $owner OR lease_until < $now);
                """;
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$until", SqliteOperationRows.Format(until));
            command.Parameters.AddWithValue("$now", SqliteOperationRows.Format(_timeProvider.GetUtcNow()));
            command.Parameters.AddWithValue("$id", operationId);
            acquired = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);
        return acquired;
    }

    public async Task<int> ReleaseLeasesOfGoneOwnersAsync(Func<string, bool> isGone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isGone);
        int released = 0;
        await WriteAsync(async (connection, transaction) =>
        {
            var owners = new List<string>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT DISTINCT lease_owner FROM operations WHERE lease_owner IS NOT NULL;";
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    owners.Add(reader.GetString(0));
                }
            }

            foreach (string owner in owners.Where(isGone))
            {
                await using var update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = "UPDATE operations SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $owner;";
                update.Parameters.AddWithValue("$owner", owner);
                released += await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);
        return released;
    }

    public async Task ReleaseLeaseAsync(string operationId, string owner, CancellationToken cancellationToken)
    {
        await WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE operations SET lease_owner = NULL, lease_until = NULL WHERE id = $id AND lease_owner = $owner;";
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$id", operationId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public void Dispose() => _writeLock.Dispose();

    private static void BindActiveStates(SqliteCommand command)
    {
        command.Parameters.AddWithValue("$cancelling", (int)OperationState.Cancelling);
        command.Parameters.AddWithValue("$pending", (int)OperationState.Pending);
        command.Parameters.AddWithValue("$running", (int)OperationState.Running);
    }

    /// <summary>One group commit: every update of the batch in one transaction. Returns the updates whose task is not stored.</summary>
    private async Task<IReadOnlySet<PendingTaskUpdate>> WriteTaskUpdatesAsync(IReadOnlyList<PendingTaskUpdate> batch)
    {
        var missing = new HashSet<PendingTaskUpdate>();
        await WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE tasks SET outcome = $outcome, agent_job_id = $job, snapshot_ids = $snapshots, export_path = $export,
                    error = $error, attempts = $attempts, started_at = $started, finished_at = $finished, percent = $percent,
                    bytes_done = $bytesDone, bytes_total = $bytesTotal, status_text = $status, previous_job_id = $previous,
                    cleaned_up = $cleaned, target_id = $targetId, target_name = $targetName
                WHERE operation_id = $op AND id = $id;
                """;
            foreach (var update in batch)
            {
                command.Parameters.Clear();
                SqliteOperationRows.BindTask(command, update.OperationId, update.Task);
                if (await command.ExecuteNonQueryAsync(CancellationToken.None) == 0)
                {
                    missing.Add(update);
                }
            }
        }, CancellationToken.None);
        return missing;
    }

    private async Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await write(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // WAL with synchronous=NORMAL: a commit survives a crash of the orchestrator (what resume relies on) without an
        // fsync per task update; only a power loss can drop the last commits, and request ids make that safe to redo.
        await ExecuteAsync(connection, "PRAGMA synchronous=NORMAL;", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
