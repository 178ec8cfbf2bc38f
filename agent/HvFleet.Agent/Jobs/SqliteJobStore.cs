using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// Jobs in an SQLite file in the agent's data directory. WAL mode (readers never block the
/// writer), synchronous=FULL by default (a committed job survives power loss, so a request id is
/// never executed twice; see <see cref="SqliteJobStoreOptions.SyncEveryCommit"/>), schema versioned with PRAGMA user_version and created on first open.
/// One short-lived pooled connection per call keeps the store safe for concurrent use.
/// </summary>
internal sealed partial class SqliteJobStore : IJobStore, IDisposable
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int SchemaVersion = 1;

    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;

    private readonly string _connectionString;
    private readonly string _databasePath;
    private readonly string _connectionPragmas;
    private readonly ILogger<SqliteJobStore> _logger;
    private readonly JobStoreHealth _health;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _initialized;

    public SqliteJobStore(IOptions<SqliteJobStoreOptions> options, ILogger<SqliteJobStore> logger, JobStoreHealth? health = null)
    {
        _health = health ?? new JobStoreHealth();
        _databasePath = options.Value.DatabasePath;
        _connectionPragmas = options.Value.SyncEveryCommit
            ? "PRAGMA synchronous = FULL;"
            : "PRAGMA synchronous = NORMAL;";
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc />
    public string Location => _databasePath;

    /// <summary>Whether the store can write; fed by every call's outcome.</summary>
    public JobStoreHealth Health => _health;

    public Task<JobInsertResult> InsertAsync(AgentJob job, CancellationToken cancellationToken) =>
        GuardAsync(() => InsertCoreAsync(job, cancellationToken), write: true);

    public Task<bool> UpdateAsync(AgentJob job, CancellationToken cancellationToken) =>
        GuardAsync(() => UpdateCoreAsync(job, cancellationToken), write: true);

    public Task<AgentJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        GuardAsync(() => QuerySingleAsync("id", jobId, cancellationToken), write: false);

    public Task<AgentJob?> GetByRequestIdAsync(string requestId, CancellationToken cancellationToken) =>
        GuardAsync(() => QuerySingleAsync("request_id", requestId, cancellationToken), write: false);

    public Task<IReadOnlyList<AgentJob>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return GuardAsync(() => ListCoreAsync(state, limit, cancellationToken), write: false);
    }

    /// <summary>
    /// A committed write that needs fresh pages (a 16 KiB row inserted and deleted in one
    /// transaction, invisible to readers): it fails while the volume is full and succeeds once
    /// space returns. Throws <see cref="JobStoreException"/> when it fails.
    /// </summary>
    public Task ProbeWriteAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS store_probe (pad BLOB NOT NULL);
                INSERT INTO store_probe (pad) VALUES (zeroblob(16384));
                DELETE FROM store_probe;
                """;
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, write: true);

    private async Task<JobInsertResult> InsertCoreAsync(AgentJob job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO jobs ({SqliteJobRows.Columns}) VALUES (
              $id, $kind, $state, $percent, $bytes_done, $bytes_total, $status_text, $created_at, $started_at, $finished_at,
              $error_code, $error_summary, $error_description, $error_family, $result_snapshot_ids, $result_export_path,
              $result_manifest_path, $result_bytes, $result_files, $request_id, $target_ids, $warnings, $backend_job_id,
              $backend_job_operation, $backend_job_target, $payload, $export_directory, $export_target_existed, $sequence)
            """;
        SqliteJobRows.Bind(command, job);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new JobInsertResult(true, job);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint
            && ex.SqliteExtendedErrorCode == SqliteConstraintUnique
            && job.RequestId is not null)
        {
            var existing = await QuerySingleAsync("request_id", job.RequestId, cancellationToken);
            if (existing is null)
            {
                throw;
            }

            return new JobInsertResult(false, existing);
        }
    }

    private async Task<bool> UpdateCoreAsync(AgentJob job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE jobs SET state = $state, percent = $percent, bytes_done = $bytes_done, bytes_total = $bytes_total,
              status_text = $status_text, started_at = $started_at, finished_at = $finished_at,
              error_code = $error_code, error_summary = $error_summary, error_description = $error_description,
              error_family = $error_family, result_snapshot_ids = $result_snapshot_ids,
              result_export_path = $result_export_path, result_manifest_path = $result_manifest_path,
              result_bytes = $result_bytes, result_files = $result_files, warnings = $warnings,
              backend_job_id = $backend_job_id, backend_job_operation = $backend_job_operation,
              backend_job_target = $backend_job_target, export_target_existed = $export_target_existed,
              sequence = $sequence
            WHERE id = $id AND sequence < $sequence
            """;
        SqliteJobRows.Bind(command, job);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<IReadOnlyList<AgentJob>> ListCoreAsync(JobState? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = state is null
            ? $"SELECT {SqliteJobRows.Columns} FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT $limit"
            : $"SELECT {SqliteJobRows.Columns} FROM jobs WHERE state = $state ORDER BY created_at DESC, rowid DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        if (state is { } filter)
        {
            command.Parameters.AddWithValue("$state", (int)filter);
        }

        var jobs = new List<AgentJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(SqliteJobRows.Read(reader));
        }

        return jobs;
    }

    public void Dispose()
    {
        _initGate.Dispose();
        // Pooled connections keep the file open; release them with the store.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    // A store problem (full, damaged, read-only, I/O) becomes a JobStoreException naming the cause and the file, and
    // makes the store unwritable until a write succeeds again; anything else (a bug, a cancel) passes unchanged.
    private async Task<T> GuardAsync<T>(Func<Task<T>> operation, bool write)
    {
        T result;
        try
        {
            result = await operation();
        }
        catch (Exception ex) when (SqliteJobStoreErrors.Classify(ex, _databasePath) is { } problem)
        {
            var failure = new JobStoreException(problem, _databasePath, ex);
            // A read that fails on a damaged file is as unusable as a write; other read errors say nothing of writes.
            if (write || problem == JobStoreProblem.Damaged)
            {
                if (_health.IsWritable)
                {
                    LogStoreUnwritable(_logger, failure.Message, ex);
                }

                _health.ReportFailure(failure);
            }

            throw failure;
        }

        if (write && !_health.IsWritable)
        {
            _health.ReportWriteSucceeded();
            LogStoreWritable(_logger, _databasePath);
        }

        return result;
    }

    private async Task<AgentJob?> QuerySingleAsync(string column, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // column is one of two constants chosen above, never caller input.
#pragma warning disable CA2100
        command.CommandText = $"SELECT {SqliteJobRows.Columns} FROM jobs WHERE {column} = $value";
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? SqliteJobRows.Read(reader) : null;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _connectionPragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            var directory = Path.GetDirectoryName(_databasePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                await wal.ExecuteNonQueryAsync(cancellationToken);
            }

            long version;
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "PRAGMA user_version;";
                version = (long)(await read.ExecuteScalarAsync(cancellationToken))!;
            }

            if (version > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The job database '{_databasePath}' has schema version {version}; this agent understands up to {SchemaVersion}. Use a newer agent or another data directory.");
            }

            if (version < SchemaVersion)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
                await using var create = connection.CreateCommand();
                create.Transaction = transaction;
                create.CommandText = $"""
                    CREATE TABLE IF NOT EXISTS jobs (
                      id TEXT NOT NULL PRIMARY KEY,
                      kind INTEGER NOT NULL,
                      state INTEGER NOT NULL,
                      percent INTEGER NOT NULL,
                      bytes_done INTEGER NOT NULL,
                      bytes_total INTEGER NOT NULL,
                      status_text TEXT NULL,
                      created_at INTEGER NOT NULL,
                      started_at INTEGER NULL,
                      finished_at INTEGER NULL,
                      error_code INTEGER NULL,
                      error_summary TEXT NULL,
                      error_description TEXT NULL,
                      error_family INTEGER NULL,
                      result_snapshot_ids TEXT NULL,
                      result_export_path TEXT NULL,
                      result_manifest_path TEXT NULL,
                      result_bytes INTEGER NULL,
                      result_files INTEGER NULL,
                      request_id TEXT NULL,
                      target_ids TEXT NOT NULL,
                      warnings TEXT NOT NULL,
                      backend_job_id TEXT NULL,
                      backend_job_operation INTEGER NULL,
                      backend_job_target TEXT NULL,
                      payload TEXT NOT NULL,
                      export_directory TEXT NULL,
                      export_target_existed INTEGER NOT NULL,
                      sequence INTEGER NOT NULL);
                    CREATE UNIQUE INDEX IF NOT EXISTS ix_jobs_request_id ON jobs (request_id);
                    CREATE INDEX IF NOT EXISTS ix_jobs_created_at ON jobs (created_at);
                    CREATE INDEX IF NOT EXISTS ix_jobs_state ON jobs (state);
                    PRAGMA user_version = {SchemaVersion};
                    """;
                await create.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogSchemaCreated(_logger, _databasePath, SchemaVersion);
            }

            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    [LoggerMessage(EventId = 1102, EventName = "JobStoreUnwritable", Level = LogLevel.Error,
        Message = "{Problem}; jobs are refused until it can write again")]
    private static partial void LogStoreUnwritable(ILogger logger, string problem, Exception exception);

    [LoggerMessage(EventId = 1103, EventName = "JobStoreWritable", Level = LogLevel.Information,
        Message = "Job store {Path} can write again; accepting jobs")]
    private static partial void LogStoreWritable(ILogger logger, string path);

    [LoggerMessage(EventId = 1101, EventName = "JobStoreSchemaCreated", Level = LogLevel.Information,
        Message = "Job store {Path} created with schema version {Version}")]
    private static partial void LogSchemaCreated(ILogger logger, string path, int version);
}
