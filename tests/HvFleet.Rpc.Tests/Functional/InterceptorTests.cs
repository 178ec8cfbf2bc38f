using HvFleet.Rpc.Server;
using HvFleet.Rpc.Tests.Protos;

namespace HvFleet.Rpc.Tests.Functional;

public class InterceptorTests
{
    private sealed class RequireToken : ServerInterceptor
    {
        public List<(string Method, StatusCode? Outcome)> Seen { get; } = [];

        public override async Task InterceptAsync(ServerCallContext context, Func<Task> continuation)
        {
            if (context.RequestHeaders.GetValue("authorization") != "Bearer ok")
            {
                lock (Seen)
                {
                    Seen.Add((context.Method, StatusCode.Unauthenticated));
                }

                throw new RpcException(StatusCode.Unauthenticated, "No valid token.");
            }

            try
            {
                await continuation();
                lock (Seen)
                {
                    Seen.Add((context.Method, context.Status.StatusCode));
                }
            }
            catch (RpcException ex)
            {
                lock (Seen)
                {
                    Seen.Add((context.Method, ex.StatusCode));
                }

                throw;
            }
        }
    }

    [Fact]
    public async Task Interceptor_RejectsBeforeHandler_AndObservesOutcomes()
    {
        var interceptor = new RequireToken();
        var probe = new ServerProbe();
        await using var server = await TestServers.StartAsync(probe, o => o.Interceptors.Add(interceptor));
        var client = server.Client();

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new TestRequest()));
        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        Assert.False(probe.CallStarted.Task.IsCompleted);

        var headers = new Metadata { { "authorization", "Bearer ok" } };
        await client.UnaryAsync(new TestRequest(), headers);
        await Assert.ThrowsAsync<RpcException>(async () => await client.UnaryAsync(new TestRequest { StatusCode = 5 }, headers));

        Assert.Equal(
            [StatusCode.Unauthenticated, StatusCode.OK, StatusCode.NotFound],
            interceptor.Seen.Where(s => s.Method.EndsWith("/Unary", StringComparison.Ordinal)).Select(s => s.Outcome!.Value));
    }
}
