using Google.Protobuf;

namespace HvFleet.Rpc.Server;

/// <summary>The response stream: one write at a time, flushed per message unless BufferHint.</summary>
internal sealed class HttpServerStreamWriter<T>(HttpServerCallContext context) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    public WriteOptions? WriteOptions
    {
        get => context.WriteOptions;
        set => context.WriteOptions = value;
    }

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        context.BeginWrite();
        try
        {
            var options = context.WriteOptions;
            context.WriteMessage(message, options);
            if (((options?.Flags ?? WriteFlags.None) & WriteFlags.BufferHint) == 0)
            {
                await context.FlushAsync(cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken);
            }
        }
        finally
        {
            context.EndWrite();
        }
    }
}
