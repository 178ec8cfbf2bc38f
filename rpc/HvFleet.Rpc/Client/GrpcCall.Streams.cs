using System.Buffers;
using HvFleet.Rpc.Protocol;

namespace HvFleet.Rpc.Client;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    /// <summary>Reads response messages; at the end, the status from the trailers (throwing if not OK).</summary>
    private sealed class ResponseReader(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    {
        private TResponse? _current;

        public TResponse Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            using var registration = cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).Cancel(), call)
                : default;
            try
            {
                await call._headersTask!;
                if (call._status is { } status && call._reader is null)
                {
                    return status.StatusCode == StatusCode.OK ? false : throw new RpcException(status, call._trailers);
                }

                if (call._status is { } done)
                {
                    return done.StatusCode == StatusCode.OK ? false : throw new RpcException(done, call._trailers);
                }

                var message = await call.ReadMessageAsync();
                if (message is not null)
                {
                    _current = message;
                    return true;
                }

                var final = call.FinishFromTrailers();
                call.Cleanup();
                _current = null;
                return final.StatusCode == StatusCode.OK ? false : throw new RpcException(final, call._trailers);
            }
            catch (Exception ex) when (ex is not RpcException || call._deadlineExceeded || cancellationToken.IsCancellationRequested)
            {
                if (cancellationToken.IsCancellationRequested && !call._deadlineExceeded)
                {
                    call.Finish(new Status(StatusCode.Cancelled, "Call canceled by the client."), Metadata.Empty);
                }

                throw call.Fail(ex);
            }
        }
    }

    /// <summary>Writes request messages into the push content; one write at a time.</summary>
    private sealed class RequestWriter(GrpcCall<TRequest, TResponse> call, PushStreamContent content) : IClientStreamWriter<TRequest>
    {
        private int _writing;
        private bool _completed;

        public WriteOptions? WriteOptions { get; set; }

        public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (_completed)
            {
                throw new InvalidOperationException("Request stream has already been completed.");
            }

            if (call._status is { } status)
            {
                throw new RpcException(status, call._trailers);
            }

            if (Interlocked.Exchange(ref _writing, 1) == 1)
            {
                throw new InvalidOperationException("Only one write can be pending at a time.");
            }

            try
            {
                var flags = (WriteOptions ?? call._options.WriteOptions)?.Flags ?? WriteFlags.None;
                var compressor = (flags & WriteFlags.NoCompress) == 0 ? call.RequestCompressor() : null;
                var buffer = new ArrayBufferWriter<byte>(message.CalculateSize() + GrpcProtocol.HeaderSize);
                MessageFraming.WriteMessage(buffer, message, compressor, call._channel.Options.MaxSendMessageSize);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.Token);
                var stream = await content.StreamAsync.WaitAsync(linked.Token);
                await stream.WriteAsync(buffer.WrittenMemory, linked.Token);
                if ((flags & WriteFlags.BufferHint) == 0)
                {
                    await stream.FlushAsync(linked.Token);
                }
            }
            catch (Exception ex) when (ex is not RpcException)
            {
                if (call._status is { } ended)
                {
                    throw new RpcException(ended, call._trailers);
                }

                throw call.Fail(ex);
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }

        public Task CompleteAsync()
        {
            _completed = true;
            content.Complete();
            return Task.CompletedTask;
        }
    }
}
