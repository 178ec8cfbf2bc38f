using System.Globalization;
using System.Text.Json;
using HvFleet.Orchestrator.Operations;
using Microsoft.Data.Sqlite;

namespace HvFleet.Orchestrator.Store;

/// <summary>The operation store's rows ↔ domain records, and its text forms of timestamps and JSON columns.</summary>
internal static class SqliteOperationRows
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void BindOperation(SqliteCommand command, FleetOperation operation)
    {
        command.Parameters.AddWithValue("$id", operation.Id);
        command.Parameters.AddWithValue("$state", (int)operation.State);
        command.Parameters.AddWithValue("$started", (object?)FormatOrNull(operation.StartedAt) ?? DBNull.Value);
        command.Parameters.AddWithValue("$finished", (object?)FormatOrNull(operation.FinishedAt) ?? DBNull.Value);
        command.Parameters.AddWithValue("$message", operation.Message);
        command.Parameters.AddWithValue("$planned", operation.IsPlanned ? 1 : 0);
    }

    public static async Task InsertTasksAsync(SqliteConnection connection, SqliteTransaction transaction, string operationId,
        IReadOnlyList<FleetTask> tasks, CancellationToken cancellationToken)
    {
        if (tasks.Count == 0)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO tasks (operation_id, id, ordinal, host_name, storage_key, target_kind, target_id, target_name, outcome,
                agent_job_id, snapshot_ids, export_path, error, attempts, started_at, finished_at, percent, bytes_done,
                bytes_total, wave, request_id, status_text, previous_job_id, cleaned_up)
            VALUES ($op, $id, $ordinal, $host, $storage, $kind, $targetId, $targetName, $outcome, $job, $snapshots, $export,
                $error, $attempts, $started, $finished, $percent, $bytesDone, $bytesTotal, $wave, $request, $status, $previous, $cleaned);
            """;
        for (int i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            command.Parameters.Clear();
            BindTask(command, operationId, task);
            command.Parameters.AddWithValue("$ordinal", i);
            command.Parameters.AddWithValue("$host", task.HostName);
            command.Parameters.AddWithValue("$storage", task.StorageKey);
            command.Parameters.AddWithValue("$kind", (int)task.TargetKind);
            command.Parameters.AddWithValue("$wave", task.Wave);
            command.Parameters.AddWithValue("$request", task.RequestId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static void BindTask(SqliteCommand command, string operationId, FleetTask task)
    {
        command.Parameters.AddWithValue("$op", operationId);
        command.Parameters.AddWithValue("$id", task.Id);
        command.Parameters.AddWithValue("$targetId", task.TargetId);
        command.Parameters.AddWithValue("$targetName", task.TargetName);
        command.Parameters.AddWithValue("$outcome", (int)task.Outcome);
        command.Parameters.AddWithValue("$job", task.AgentJobId);
        command.Parameters.AddWithValue("$snapshots", JsonSerializer.Serialize(task.SnapshotIds, Json));
        command.Parameters.AddWithValue("$export", task.ExportPath);
        command.Parameters.AddWithValue("$error", task.Error is null ? DBNull.Value : JsonSerializer.Serialize(task.Error, Json));
        command.Parameters.AddWithValue("$attempts", task.Attempts);
        command.Parameters.AddWithValue("$started", (object?)FormatOrNull(task.StartedAt) ?? DBNull.Value);
        command.Parameters.AddWithValue("$finished", (object?)FormatOrNull(task.FinishedAt) ?? DBNull.Value);
        command.Parameters.AddWithValue("$percent", task.Percent);
        command.Parameters.AddWithValue("$bytesDone", task.BytesDone);
        command.Parameters.AddWithValue("$bytesTotal", task.BytesTotal);
        command.Parameters.AddWithValue("$status", task.StatusText);
        command.Parameters.AddWithValue("$previous", task.PreviousJobId);
        command.Parameters.AddWithValue("$cleaned", task.CleanedUp ? 1 : 0);
    }

    public static async Task<FleetOperation?> ReadOperationAsync(SqliteConnection connection, string operationId,
        CancellationToken cancellationToken)
    {
        FleetOperation operation;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT id, kind, state, request_id, created_at, started_at, finished_at, dry_run, source_operation_id,
                    retry_of, message, is_planned, spec
                FROM operations WHERE id = $id;
                """;
            command.Parameters.AddWithValue("$id", operationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var spec = JsonSerializer.Deserialize<OperationSpec>(reader.GetString(12), Json)
                ?? throw new InvalidDataException($"operation {operationId} has no spec");
            operation = new FleetOperation
            {
                Id = reader.GetString(0),
                Kind = (OperationKind)reader.GetInt32(1),
                State = (OperationState)reader.GetInt32(2),
                RequestId = reader.IsDBNull(3) ? "" : reader.GetString(3),
                CreatedAt = Parse(reader.GetString(4)),
                StartedAt = reader.IsDBNull(5) ? null : Parse(reader.GetString(5)),
                FinishedAt = reader.IsDBNull(6) ? null : Parse(reader.GetString(6)),
                DryRun = reader.GetInt32(7) != 0,
                SourceOperationId = reader.GetString(8),
                RetryOf = reader.GetString(9),
                Message = reader.GetString(10),
                IsPlanned = reader.GetInt32(11) != 0,
                Hosts = spec.Hosts,
                Targets = spec.Targets,
                SnapshotKind = spec.SnapshotKind,
                SnapshotName = spec.SnapshotName,
                Policy = spec.Policy,
                DestinationTemplate = spec.DestinationTemplate,
                ExportOptions = spec.ExportOptions,
            };
        }

        var tasks = new List<FleetTask>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT id, host_name, storage_key, target_kind, target_id, target_name, outcome, agent_job_id, snapshot_ids,
                    export_path, error, attempts, started_at, finished_at, percent, bytes_done, bytes_total, wave, request_id,
                    status_text, previous_job_id, cleaned_up
                FROM tasks WHERE operation_id = $id ORDER BY ordinal;
                """;
            command.Parameters.AddWithValue("$id", operationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tasks.Add(new FleetTask
                {
                    Id = reader.GetString(0),
                    HostName = reader.GetString(1),
                    StorageKey = reader.GetString(2),
                    TargetKind = (TargetKind)reader.GetInt32(3),
                    TargetId = reader.GetString(4),
                    TargetName = reader.GetString(5),
                    Outcome = (TaskOutcome)reader.GetInt32(6),
                    AgentJobId = reader.GetString(7),
                    SnapshotIds = JsonSerializer.Deserialize<List<string>>(reader.GetString(8), Json) ?? [],
                    ExportPath = reader.GetString(9),
                    Error = reader.IsDBNull(10) ? null : JsonSerializer.Deserialize<TaskError>(reader.GetString(10), Json),
                    Attempts = reader.GetInt32(11),
                    StartedAt = reader.IsDBNull(12) ? null : Parse(reader.GetString(12)),
                    FinishedAt = reader.IsDBNull(13) ? null : Parse(reader.GetString(13)),
                    Percent = reader.GetInt32(14),
                    BytesDone = reader.GetInt64(15),
                    BytesTotal = reader.GetInt64(16),
                    Wave = reader.GetInt32(17),
                    RequestId = reader.GetString(18),
                    StatusText = reader.GetString(19),
                    PreviousJobId = reader.GetString(20),
                    CleanedUp = reader.GetInt32(21) != 0,
                });
            }
        }

        return operation with { Tasks = tasks };
    }

    // Fixed-width UTC text sorts in time order, which ORDER BY created_at relies on.
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string? FormatOrNull(DateTimeOffset? value) => value is { } v ? Format(v) : null;

    public static DateTimeOffset Parse(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
