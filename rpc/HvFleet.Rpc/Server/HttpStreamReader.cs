using Google.Protobuf;
using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Server;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class HttpStreamReader<T>(HttpServerCallContext context, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var callToken = context.CancellationToken;
        using var linked = cancellationToken.CanBeCanceled && cancellationToken != callToken
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken)
            : null;
        var message = await MessageFraming.ReadMessageAsync(
            context.HttpContext.Request.BodyReader,
            parser,
            context.MaxReceiveMessageSize,
            context.RequestDecompressor,
            linked?.Token ?? callToken);
        _current = message;
        return message is not null;
    }
}
