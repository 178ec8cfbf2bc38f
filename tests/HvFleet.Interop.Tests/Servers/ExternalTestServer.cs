using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using HvFleet.Interop.Testing;
using HvFleet.Interop.Tests.Infrastructure;
using HvFleet.Interop.Tls;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>
/// An independent TestService server (grpcio or grpc-js) started as a child process on a free
/// port, over h2c or TLS, and our <see cref="GrpcChannel"/> to it.
/// </summary>
public abstract class ExternalTestServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ExternalProcess? _process;
    private GrpcChannel? _channel;
    private X509Certificate2? _certificate;
    private string? _certificateFile;
    private string? _keyFile;

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("The server has not started.");

    public TestService.TestServiceClient Client => new(Channel);

    public UnimplementedService.UnimplementedServiceClient UnimplementedClient => new(Channel);

    /// <summary>Whether the server listens with TLS (a fresh self-signed certificate) rather than h2c.</summary>
    protected virtual bool UseTls => false;

    public async Task InitializeAsync()
    {
        if (UseTls)
        {
            _certificate = SelfSignedCertificate.Create(TimeProvider.System);
            _certificateFile = Path.Combine(Path.GetTempPath(), $"hvfleet-interop-{Guid.NewGuid():N}.crt.pem");
            _keyFile = Path.Combine(Path.GetTempPath(), $"hvfleet-interop-{Guid.NewGuid():N}.key.pem");
            await File.WriteAllTextAsync(_certificateFile, _certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(_keyFile, _certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        var (fileName, workingDirectory, arguments) = Command(_certificateFile, _keyFile);
        _process = ExternalProcess.Start(fileName, workingDirectory, arguments);
        var port = (await _process.WaitForLineAsync("LISTENING ", StartTimeout, CancellationToken.None)).Trim();
        _channel = _certificate is null
            ? GrpcChannel.ForAddress($"http://127.0.0.1:{port}")
            : GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    SslOptions =
                    {
                        // Trust exactly the certificate this fixture made.
                        RemoteCertificateValidationCallback = (_, presented, _, _) =>
                            presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(_certificate.GetCertHash()),
                    },
                },
                DisposeHttpClient = true,
            });
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _certificate?.Dispose();
        foreach (var file in new[] { _certificateFile, _keyFile })
        {
            if (file is not null)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The server's command line; the PEM files are given when <see cref="UseTls"/>.</summary>
    protected abstract (string FileName, string WorkingDirectory, string[] Arguments) Command(string? certificateFile, string? keyFile);
}
