using System.Globalization;
using System.Text;

namespace HvFleet.Agent.Service;

/// <summary>
/// Writes log lines to <c>&lt;directory&gt;/agent.log</c> (or another file name) for the Windows service, which has no
/// console: one line per entry (UTC time, level, category, event id, message, exception),
/// rotated by size to agent.1.log … agent.N.log (oldest dropped).
/// </summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    /// <summary>The default log file's name.</summary>
    public const string DefaultFileName = "agent.log";

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly long _maxBytes;
    private readonly int _keepFiles;
    private readonly string _fileName;
    private readonly Lock _gate = new();
    private FileStream? _stream;

    public FileLoggerProvider(string directory, TimeProvider time, string fileName = DefaultFileName, long maxBytes = 10 * 1024 * 1024, int keepFiles = 5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfNegative(keepFiles);
        _directory = directory;
        _time = time;
        _maxBytes = maxBytes;
        _keepFiles = keepFiles;
        _fileName = fileName;
    }

    /// <summary>The file being written.</summary>
    public string CurrentPath => Path.Combine(_directory, _fileName);

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    internal void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var line = new StringBuilder(128 + message.Length)
            .Append(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelText(level))
            .Append(' ').Append(category)
            .Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ")
            .Append(message.ReplaceLineEndings(" "));
        if (exception is not null)
        {
            line.AppendLine().Append("    ").Append(exception.ToString().ReplaceLineEndings(Environment.NewLine + "    "));
        }

        var bytes = Encoding.UTF8.GetBytes(line.AppendLine().ToString());
        lock (_gate)
        {
            var stream = _stream ??= Open();
            if (stream.Length > 0 && stream.Length + bytes.Length > _maxBytes)
            {
                Rotate();
                stream = _stream = Open();
            }

            stream.Write(bytes);
            stream.Flush();
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(_directory);
        return new FileStream(CurrentPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    // Called under _gate: agent.log → agent.1.log → … → agent.<keep>.log (for the default name), the oldest dropped.
    private void Rotate()
    {
        _stream?.Dispose();
        _stream = null;
        if (_keepFiles == 0)
        {
            File.Delete(CurrentPath);
            return;
        }

        File.Delete(Numbered(_keepFiles));
        for (var i = _keepFiles - 1; i >= 1; i--)
        {
            if (File.Exists(Numbered(i)))
            {
                File.Move(Numbered(i), Numbered(i + 1));
            }
        }

        File.Move(CurrentPath, Numbered(1));
    }

    private string Numbered(int index) =>
        Path.Combine(_directory, Path.GetFileNameWithoutExtension(_fileName) + "." + index.ToString(CultureInfo.InvariantCulture) + Path.GetExtension(_fileName));

    private static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRC",
        LogLevel.Debug => "DBG",
        LogLevel.Information => "INF",
        LogLevel.Warning => "WRN",
        LogLevel.Error => "ERR",
        LogLevel.Critical => "CRT",
        _ => "NON",
    };

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }
}
