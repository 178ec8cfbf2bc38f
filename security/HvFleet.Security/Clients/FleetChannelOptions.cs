using System.Net.Security;

namespace HvFleet.Security.Clients;

/// <summary>How <see cref="FleetChannels"/> builds a channel's HTTP handler.</summary>
public sealed class FleetChannelOptions
{
    /// <summary>Time to open the TCP (or Unix socket) connection and finish the TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The name the server's certificate is checked against (SNI); https only.</summary>
    public string? TargetHost { get; set; }

    /// <summary>Checks the server's certificate; https only. Null: the platform's default validation.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>Picks the client certificate at each handshake (a reloading certificate); https only.</summary>
    public LocalCertificateSelectionCallback? ClientCertificateSelection { get; set; }

    /// <summary>Largest message accepted from the server; null: grpc-dotnet's default (4 MiB).</summary>
    public int? MaxReceiveMessageSize { get; set; }

    /// <summary>Last changes to the handler (tests, benchmarks).</summary>
    public Action<SocketsHttpHandler>? ConfigureHttpHandler { get; set; }
}
