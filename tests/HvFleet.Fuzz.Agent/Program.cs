using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using Google.Protobuf;
using HvFleet.Protos.Agent.V1;

// --quick: the test command's smoke run (2,000 requests) unless --requests is given.
var requests = IntArg("--requests", args.Contains("--quick") ? 2_000 : 100_000);
var concurrency = IntArg("--concurrency", 64);
var seed = IntArg("--seed", 1);

var port = FreePort();
var dataDirectory = Directory.CreateTempSubdirectory("hvfleet-fuzz-").FullName;
var entryPoint = Assembly.Load(new AssemblyName("hvfleet-agent")).EntryPoint!;
var agentArgs = new[] { "--insecure-loopback-tcp", "--insecure-loopback-role", "admin", "--listen", $"127.0.0.1:{port}", "--data-dir", dataDirectory };
Environment.SetEnvironmentVariable("HVFLEET_AGENT_Logging__LogLevel__Default", "Error");

// Per-caller limits raised so that malformed payloads reach the parsers and handlers (every call here is one caller).
Environment.SetEnvironmentVariable("HVFLEET_AGENT_Security__Limits__MaxMutatingCallsPerMinute", "100000000");
Environment.SetEnvironmentVariable("HVFLEET_AGENT_Security__Limits__MaxConcurrentStreamsPerCaller", "100000");
var agent = Task.Run(() => (Task<int>)entryPoint.Invoke(null, [agentArgs])!);

using var handler = new SocketsHttpHandler
{
    EnableMultipleHttp2Connections = true,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseProxy = false,
    AllowAutoRedirect = false,
};
using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestVersion = HttpVersion.Version20;
http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

await WaitForAgentAsync();
Console.WriteLine($"agent up on 127.0.0.1:{port}; {requests:N0} malformed requests, {concurrency} concurrent, seed {seed}");
var start = Memory();
Print("start", start);

var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var bad = new System.Collections.Concurrent.ConcurrentQueue<string>();
var done = 0;
MemoryFigures? middle = null;
var stopwatch = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
{
    var random = new Random(HashCode.Combine(seed, i));
    var kind = (Kind)(i % Enum.GetValues<Kind>().Length);
    string outcome;
    try
    {
        using var request = Build(kind, random);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var status = Header(response.Headers, "grpc-status") ?? Header(response.TrailingHeaders, "grpc-status");
        if (status is not null && int.TryParse(status, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 16)
        {
            outcome = "grpc-status " + code.ToString(CultureInfo.InvariantCulture);
        }
        else if ((int)response.StatusCode >= 400)
        {
            outcome = "http " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            outcome = "IMPROPER";
            bad.Enqueue($"{kind}: HTTP {(int)response.StatusCode} without grpc-status");
        }
    }
    catch (HttpRequestException ex) when (ex.InnerException is HttpProtocolException or IOException || ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError)
    {
        // The server reset the stream (e.g. header list too large): a proper HTTP/2 refusal.
        outcome = "stream reset";
    }
    catch (HttpRequestException ex) when (ex.Message.Contains("exceeded the server limit", StringComparison.Ordinal))
    {
        // The server's SETTINGS_MAX_HEADER_LIST_SIZE: the header list is refused before it is sent.
        outcome = "header list over limit";
    }
    catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
    {
        outcome = "CONNECTION REFUSED";
        bad.Enqueue($"{kind}: {ex.Message}");
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        outcome = "IMPROPER";
        bad.Enqueue($"{kind}: {ex.GetType().Name}: {ex.Message}");
    }

    outcomes.AddOrUpdate($"{kind,-22} {outcome}", 1, (_, n) => n + 1);
    if (Interlocked.Increment(ref done) == requests / 2)
    {
        middle = Memory();
    }
});
stopwatch.Stop();

var end = Memory();
if (middle is { } m)
{
    Print("middle", m);
}

Print("end", end);
Console.WriteLine($"{requests:N0} requests in {stopwatch.Elapsed.TotalSeconds:F1} s ({requests / stopwatch.Elapsed.TotalSeconds:N0}/s)");
foreach (var (key, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {key,-50} {count,8:N0}");
}

await WaitForAgentAsync();
var agentAlive = !agent.IsCompleted;
Console.WriteLine($"agent still serving: {agentAlive}; improper answers: {bad.Count}");
foreach (var line in bad.Take(10))
{
    Console.WriteLine("  " + line);
}

try
{
    Directory.Delete(dataDirectory, recursive: true);
}
catch (IOException)
{
}

// The agent runs until the process ends (it has no stop hook besides a signal).
Environment.Exit(agentAlive && bad.IsEmpty ? 0 : 1);

HttpRequestMessage Build(Kind kind, Random random)
{
    var method = Methods[random.Next(Methods.Length)];
    byte[] body;
    var contentType = "application/grpc";
    var request = new HttpRequestMessage(HttpMethod.Post, method);
    switch (kind)
    {
        case Kind.RandomFrame:
            body = new byte[random.Next(0, 300)];
            random.NextBytes(body);
            break;
        case Kind.TruncatedFrame:
            var whole = Frame(ValidExport(random).ToByteArray());
            body = whole[..random.Next(0, whole.Length)];
            request.RequestUri = new Uri("/hvfleet.agent.v1.HostAgent/ExportSnapshot", UriKind.Relative);
            break;
        case Kind.BadProtobuf:
            var payload = new byte[random.Next(1, 200)];
            random.NextBytes(payload);
            body = Frame(payload);
            break;
        case Kind.HugeLength:
            body = new byte[5 + random.Next(0, 64)];
            random.NextBytes(body);
            body[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)random.Next(1 << 22, int.MaxValue));
            break;
        case Kind.CompressedWithoutEncoding:
            body = Frame(ValidExport(random).ToByteArray());
            body[0] = 1;
            if (random.Next(2) == 0)
            {
                request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy-" + random.Next(100).ToString(CultureInfo.InvariantCulture));
            }

            break;
        case Kind.BadContentType:
            body = Frame([]);
            contentType = ContentTypes[random.Next(ContentTypes.Length)];
            break;
        case Kind.BadTimeout:
            body = Frame([]);
            request.Headers.TryAddWithoutValidation("grpc-timeout", Timeouts[random.Next(Timeouts.Length)]);
            break;
        case Kind.BadBinaryMetadata:
            body = Frame([]);
            request.Headers.TryAddWithoutValidation("x-trace-bin", RandomText(random, random.Next(1, 64)) + "!*%");
            break;
        case Kind.OversizedMetadata:
            body = Frame([]);
            request.Headers.TryAddWithoutValidation("x-big", new string('a', random.Next(8 * 1024, 40 * 1024)));
            break;
        case Kind.BadPath:
            body = Frame([]);
            // Absolute, so that a path starting with "//" stays a path.
            request.RequestUri = new Uri($"http://127.0.0.1:{port}" + Paths[random.Next(Paths.Length)] + RandomText(random, random.Next(0, 20)), UriKind.Absolute);
            break;
        default:
            var export = ValidExport(random);
            export.ExportDirectory = HostileDirectories[random.Next(HostileDirectories.Length)];
            body = Frame(export.ToByteArray());
            request.RequestUri = new Uri("/hvfleet.agent.v1.HostAgent/ExportSnapshot", UriKind.Relative);
            break;
    }

    request.Content = new ByteArrayContent(body);
    if (contentType.Length > 0)
    {
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    request.Headers.TryAddWithoutValidation("te", "trailers");
    request.Version = HttpVersion.Version20;
    request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
    return request;
}

static ExportSnapshotRequest ValidExport(Random random) => new()
{
    SnapshotId = Guid.NewGuid().ToString(),
    ExportDirectory = "/tmp/x" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
    RequestId = "fuzz-" + random.Next().ToString(CultureInfo.InvariantCulture),
};

static byte[] Frame(byte[] message)
{
    var frame = new byte[5 + message.Length];
    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
    message.CopyTo(frame, 5);
    return frame;
}

static string RandomText(Random random, int length)
{
    const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_./%";
    return string.Create(length, random, (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = alphabet[r.Next(alphabet.Length)];
        }
    });
}

static string? Header(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

async Task WaitForAgentAsync()
{
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/grpc.health.v1.Health/Check")
            {
                Content = new ByteArrayContent(Frame([])),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            if (Header(response.TrailingHeaders, "grpc-status") is not null || Header(response.Headers, "grpc-status") is not null)
            {
                return;
            }

            throw new InvalidOperationException($"The agent answered the health check with HTTP {(int)response.StatusCode} and no grpc-status.");
        }
        catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !agent.IsCompleted)
        {
            await Task.Delay(100);
        }
    }
}

static MemoryFigures Memory()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var process = Process.GetCurrentProcess();
    return new MemoryFigures(GC.GetGCMemoryInfo().HeapSizeBytes, process.WorkingSet64);
}

static void Print(string label, MemoryFigures figures) =>
    Console.WriteLine($"memory {label,-6}: GC heap {figures.GcHeapBytes / 1048576.0,7:F1} MiB, RSS {figures.RssBytes / 1048576.0,7:F1} MiB");

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

int IntArg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

internal enum Kind
{
    RandomFrame,
    TruncatedFrame,
    BadProtobuf,
    HugeLength,
    CompressedWithoutEncoding,
    BadContentType,
    BadTimeout,
    BadBinaryMetadata,
    OversizedMetadata,
    BadPath,
    HostileExportPath,
}

internal sealed record MemoryFigures(long GcHeapBytes, long RssBytes);

internal static partial class Program
{
    private static readonly string[] Methods =
    [
        "/hvfleet.agent.v1.HostAgent/GetHostInfo", "/hvfleet.agent.v1.HostAgent/ListVirtualMachines", "/hvfleet.agent.v1.HostAgent/ListSnapshots",
        "/hvfleet.agent.v1.HostAgent/CreateSnapshot", "/hvfleet.agent.v1.HostAgent/ExportSnapshot", "/hvfleet.agent.v1.HostAgent/DeleteSnapshot",
        "/hvfleet.agent.v1.HostAgent/GetJob", "/hvfleet.agent.v1.HostAgent/ListJobs", "/hvfleet.agent.v1.HostAgent/CancelJob",
        "/grpc.health.v1.Health/Check", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    ];

    private static readonly string[] ContentTypes = ["text/plain", "application/json", "application/grpc-bogus", "application/grpcx", "", "multipart/form-data; boundary=x"];

    private static readonly string[] Timeouts = ["abc", "-1S", "1X", "999999999999H", "", "10", "1.5S", "S", "100000000n", "1M1S"];

    private static readonly string[] Paths = ["/", "/hvfleet.agent.v1.HostAgent/", "/hvfleet.agent.v1.HostAgent/Nope", "/x/y/z", "/grpc.health.v1.Health", "/a//b", "/hvfleet.agent.v1.HostAgent/GetHostInfo/extra", "/%2e%2e/"];

    private static readonly string[] HostileDirectories =
    [
        "/etc", "../../etc", @"C:\Windows", @"\\server\share\x", @"\\?\C:\x", @"\\.\NUL", "/tmp/x:stream", "relative", "/tmp/CON", "/tmp/a/../../etc",
    ];
}
