using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using HvFleet.Rpc.Tests.Protos;

namespace HvFleet.Rpc.Tests.Functional;

/// <summary>Raw HTTP/2 requests, checking what is on the wire rather than what our client makes of it.</summary>
public class WireLevelTests
{
    private static HttpClient RawClient() => new(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private static HttpRequestMessage Request(Uri address, string path, byte[] body, string contentType = "application/grpc")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    private static byte[] Frame(IMessage message, byte flag = 0)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    [Fact]
    public async Task UnknownMethod_TrailersOnly_StatusInTheHeaders()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        using var response = await client.SendAsync(Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Nope", Frame(new TestRequest())));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", response.Headers.GetValues("grpc-status").Single());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task KnownMethod_NonGrpcContentType_Http415()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        using var response = await client.SendAsync(Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", Frame(new TestRequest()), "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Unary_Success_HeadersDataThenTrailersWithStatusZero()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        using var response = await client.SendAsync(Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", Frame(new TestRequest { Text = "wire" })));
        Assert.False(response.Headers.Contains("grpc-status"), "an OK unary answer must not be Trailers-Only");
        Assert.Equal("application/grpc", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0, body[0]);
        Assert.Equal("wire", TestReply.Parser.ParseFrom(body.AsSpan(5).ToArray()).Text);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
    }

    [Fact]
    public async Task Unary_TwoRequestMessages_CardinalityViolationIsUnimplemented()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        var body = Frame(new TestRequest()).Concat(Frame(new TestRequest())).ToArray();
        using var response = await client.SendAsync(Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", body));
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("12", Status(response));
    }

    [Fact]
    public async Task Unary_NoRequestMessage_CardinalityViolationIsUnimplemented()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        using var response = await client.SendAsync(Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", []));
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("12", Status(response));
    }

    [Fact]
    public async Task UnknownRequestEncoding_UnimplementedWithOurAcceptEncoding()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        var request = Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", Frame(new TestRequest(), 1));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");
        using var response = await client.SendAsync(request);
        Assert.Equal("12", Status(response));
        var accept = response.Headers.GetValues("grpc-accept-encoding").Single();
        Assert.Contains("gzip", accept, StringComparison.Ordinal);
        Assert.DoesNotContain("snappy", accept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerDeadline_NoClientDeadline_ServerSendsStatusFourInTime()
    {
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe);
        using var client = RawClient();
        var request = Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/ServerStream", Frame(new TestRequest { Count = 1, WaitForCancellation = true }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "300m");
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        try
        {
            await response.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException)
        {
            // The RST_STREAM(CANCEL) that follows the trailers may surface here.
        }

        Assert.Equal("4", Status(response));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.True(await HvFleet.Testing.Wait.For(probe.HandlerTokenFired.Task));
    }

    [Fact]
    public async Task RequestOverFourMiB_ResourceExhausted()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client().UnaryAsync(new TestRequest { Payload = ByteString.CopyFrom(new byte[(4 * 1024 * 1024) + 10]) }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ReceiveLimit_ConfiguredPerService_Applies()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe(), service: s => s.WithMaxReceiveMessageSize(1000));
        var ok = await server.Client().UnaryAsync(new TestRequest { Payload = ByteString.CopyFrom(new byte[500]) });
        Assert.NotNull(ok);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client().UnaryAsync(new TestRequest { Payload = ByteString.CopyFrom(new byte[2000]) }));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ResponseCompression_ClientAcceptsGzip_FlagSetAndEncodingHeader()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        var request = Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", Frame(new TestRequest { CompressResponse = true, ResponseSize = 5000 }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity, deflate, gzip");
        using var response = await client.SendAsync(request);
        Assert.Equal("gzip", response.Headers.GetValues("grpc-encoding").Single());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(1, body[0]);
        Assert.True(body.Length < 1000);
    }

    [Fact]
    public async Task ResponseCompression_ClientDoesNotAcceptGzip_SentUncompressed()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        using var client = RawClient();
        var request = Request(server.Address, "/hvfleet.rpctest.v1.TestRpc/Unary", Frame(new TestRequest { CompressResponse = true, ResponseSize = 5000 }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0, body[0]);
        Assert.False(response.Headers.Contains("grpc-encoding"));
    }

    [Fact]
    public async Task Compression_OurClientGzipBothWays_RoundTrips()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var call = server.Client().UnaryAsync(new TestRequest { CompressResponse = true, ResponseSize = 3000, Payload = ByteString.CopyFrom(new byte[3000]) }, new HvFleet.Rpc.Client.CallOptions(RequestCompression: "gzip"));
        var reply = await call;
        Assert.Equal("gzip", reply.RequestEncoding);
        Assert.Equal(3000, reply.Payload.Length);
    }

    private static string? Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("grpc-status", out var h) ? h.Single() :
        response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.Single() : null;
}
