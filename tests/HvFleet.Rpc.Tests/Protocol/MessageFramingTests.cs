using System.Buffers;
using System.IO.Pipelines;
using HvFleet.Rpc.Protocol;
using HvFleet.Rpc.Tests.Protos;
using Google.Protobuf;

namespace HvFleet.Rpc.Tests.Protocol;

public class MessageFramingTests
{
    [Fact]
    public async Task WriteThenRead_SplitIntoTinySegments_RoundTrips()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var written = MessageFraming.WriteMessage(buffer, new TestReply { Text = "hello", Index = 7 }, null, null);
        MessageFraming.WriteMessage(buffer, new TestReply(), null, null);
        Assert.Equal(buffer.WrittenCount, written + 5);

        var pipe = new Pipe();
        foreach (var b in buffer.WrittenSpan.ToArray())
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }

        await pipe.Writer.CompleteAsync();
        var first = await MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default);
        var second = await MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default);
        var end = await MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default);
        Assert.Equal("hello", first!.Text);
        Assert.Equal(7, first.Index);
        Assert.NotNull(second);
        Assert.Null(end);
    }

    [Fact]
    public async Task Read_LengthOverLimit_FailsBeforeTheBodyArrives()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0x40, 0, 1 }); // 4 MiB + 1 announced, no body sent
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, 4 * 1024 * 1024, null, default).AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Read_CompressedFlagWithoutEncoding_IsInternal()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 1, 0, 0, 0, 0 });
        await pipe.Writer.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task Read_InvalidFlag_IsInternal()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 2, 0, 0, 0, 0 });
        await pipe.Writer.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task Read_TruncatedMessage_IsInternal()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 10, 1, 2 });
        await pipe.Writer.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task Read_GarbageBody_IsInternalParseFailure()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF });
        await pipe.Writer.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task Gzip_WriteThenRead_RoundTripsWithFlagSet()
    {
        var gzip = new GzipCompressionProvider();
        var buffer = new ArrayBufferWriter<byte>();
        var message = new TestReply { Payload = ByteString.CopyFrom(new byte[10_000]) };
        MessageFraming.WriteMessage(buffer, message, gzip, null);
        Assert.Equal(1, buffer.WrittenSpan[0]);
        Assert.True(buffer.WrittenCount < 1000, "10 kB of zeros should compress well");

        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(buffer.WrittenMemory);
        await pipe.Writer.CompleteAsync();
        var read = await MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, null, gzip, default);
        Assert.Equal(10_000, read!.Payload.Length);
    }

    [Fact]
    public async Task Gzip_DecompressedOverLimit_IsResourceExhausted()
    {
        var gzip = new GzipCompressionProvider();
        var buffer = new ArrayBufferWriter<byte>();
        MessageFraming.WriteMessage(buffer, new TestReply { Payload = ByteString.CopyFrom(new byte[100_000]) }, gzip, null);
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(buffer.WrittenMemory);
        await pipe.Writer.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(pipe.Reader, TestReply.Parser, 50_000, gzip, default).AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void Write_OverSendLimit_IsResourceExhausted()
    {
        var ex = Assert.Throws<RpcException>(() => MessageFraming.WriteMessage(new ArrayBufferWriter<byte>(), new TestReply { Payload = ByteString.CopyFrom(new byte[100]) }, null, 10));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}
