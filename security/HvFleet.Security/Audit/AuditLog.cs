using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Audit;

/// <summary>
/// Append-only JSON-lines audit log with size-based rotation: when the current file would pass
/// <see cref="AuditLogOptions.MaxFileBytes"/>, <c>audit.log</c> becomes <c>audit.1.log</c>,
/// <c>audit.1.log</c> becomes <c>audit.2.log</c> and so on, keeping <see cref="AuditLogOptions.MaxRotatedFiles"/>.
/// Each line is flushed before <see cref="Append"/> returns. Files are owner-only where the OS allows.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private const int MaxDetailLength = 512;

    private readonly AuditLogOptions _options;
    private readonly string _path;
    private readonly Lock _lock = new();
    private FileStream? _stream;
    private bool _disposed;

    public AuditLog(IOptions<AuditLogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _path = _options.Path ?? throw new ArgumentException("The audit log path is not set.", nameof(options));
    }

    /// <summary>The current log file.</summary>
    public string CurrentPath => _path;

    /// <summary>Appends one record as a JSON line.</summary>
    public void Append(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var line = Serialize(record);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var stream = _stream ??= Open();
            if (stream.Length > 0 && stream.Length + line.Length > _options.MaxFileBytes)
            {
                stream.Dispose();
                _stream = null;
                Rotate();
                stream = _stream = Open();
            }

            stream.Write(line);
            stream.Flush();
        }
    }

    /// <summary>The path of rotated file number <paramref name="index"/> (1 = newest).</summary>
    public string RotatedPath(int index)
    {
        var directory = Path.GetDirectoryName(_path) ?? ".";
        return Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(_path)}.{index}{Path.GetExtension(_path)}");
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _stream?.Dispose();
            _stream = null;
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path) ?? ".");
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(_path, options);
    }

    private void Rotate()
    {
        var oldest = RotatedPath(_options.MaxRotatedFiles);
        if (File.Exists(oldest))
        {
            File.Delete(oldest);
        }

        for (var i = _options.MaxRotatedFiles - 1; i >= 1; i--)
        {
            var from = RotatedPath(i);
            if (File.Exists(from))
            {
                File.Move(from, RotatedPath(i + 1));
            }
        }

        File.Move(_path, RotatedPath(1));
    }

    private static byte[] Serialize(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", record.Time.ToUniversalTime());
            json.WriteString("caller", record.Caller);
            WriteOptional(json, "role", record.Role);
            WriteOptional(json, "thumbprint", record.Thumbprint);
            if (record.Uid is { } uid)
            {
                json.WriteNumber("uid", uid);
            }

            if (record.Pid is { } pid)
            {
                json.WriteNumber("pid", pid);
            }

            WriteOptional(json, "peer", record.Peer);
            json.WriteString("method", record.Method);
            json.WriteString("outcome", record.Outcome);
            WriteOptional(json, "detail", record.Detail is { Length: > MaxDetailLength } d ? d[..MaxDetailLength] + "..." : record.Detail);
            if (record.Targets.Count > 0)
            {
                json.WriteStartArray("targets");
                foreach (var target in record.Targets)
                {
                    json.WriteStringValue(target);
                }

                json.WriteEndArray();
            }

            WriteOptional(json, "request_id", record.RequestId);
            WriteOptional(json, "job_id", record.JobId);
            WriteOptional(json, "operation_id", record.OperationId);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }
}
