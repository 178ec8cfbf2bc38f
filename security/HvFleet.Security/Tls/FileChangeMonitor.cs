using System.Security.Cryptography;

namespace HvFleet.Security.Tls;

/// <summary>
/// Calls back when any of a few small files changes content: a <see cref="FileSystemWatcher"/>
/// for speed, plus a periodic content check because watchers miss events (network shares,
/// atomic renames of Kubernetes-style mounted secrets, exhausted inotify instances).
/// </summary>
internal sealed class FileChangeMonitor : IDisposable
{
    private readonly string[] _paths;
    private readonly Action _onChange;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private byte[] _fingerprint;
    private bool _disposed;

    public FileChangeMonitor(IReadOnlyList<string> paths, TimeSpan pollInterval, TimeProvider time, Action onChange)
    {
        _paths = [.. paths];
        _onChange = onChange;
        _fingerprint = Fingerprint();
        foreach (var directory in _paths.Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime };
                watcher.Changed += OnEvent;
                watcher.Created += OnEvent;
                watcher.Renamed += OnEvent;
                watcher.Deleted += OnEvent;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
            {
                // Polling still notices changes.
            }
        }

        _timer = time.CreateTimer(_ => Check(), null, pollInterval, pollInterval);
    }

    /// <summary>Compares the files with what was last seen and calls back if they differ.</summary>
    public void Check()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var current = Fingerprint();
            if (current.AsSpan().SequenceEqual(_fingerprint))
            {
                return;
            }

            _fingerprint = current;
        }

        _onChange();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _timer.Dispose();
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Check();

    private byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in _paths)
        {
            try
            {
                hash.AppendData(File.ReadAllBytes(path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash.AppendData("missing"u8);
            }

            hash.AppendData([0]);
        }

        return hash.GetHashAndReset();
    }
}
