namespace HvFleet.Rpc;

/// <summary>
/// The one exception type of the rpc layer: thrown by handlers to end a call with a status, and
/// surfaced by clients for any non-OK status, carrying the trailers that came with it.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, Metadata.Empty, status.Detail)
    {
    }

    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, status.Detail)
    {
    }

    public RpcException(Status status, Metadata trailers, string message, Exception? innerException = null)
        : base(string.IsNullOrEmpty(message) ? $"Status(StatusCode=\"{status.StatusCode}\")" : $"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{message}\")", innerException)
    {
        Status = status;
        Trailers = trailers ?? Metadata.Empty;
    }

    public RpcException(StatusCode code, string detail)
        : this(new Status(code, detail))
    {
    }

    /// <summary>The call's status.</summary>
    public Status Status { get; }

    /// <summary>The status code (shortcut for <c>Status.StatusCode</c>).</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailing metadata received with (client) or to send with (server) the status.</summary>
    public Metadata Trailers { get; }
}
