using HvFleet.Rpc;
using HvFleet.Security.Authorization;
using HvFleet.Security.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Tests.Limits;

public sealed class CallLimitInterceptorTests
{
    private const string Mutating = "/hvfleet.agent.v1.HostAgent/CancelJob";
    private const string Stream = "/hvfleet.agent.v1.HostAgent/WatchJob";

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task InterceptAsync_MutatingCallsOverThePerMinuteLimit_ResourceExhaustedUntilTheMinutePasses()
    {
        var interceptor = Create(new CallLimitOptions { MaxMutatingCallsPerMinute = 3 });
        for (var i = 0; i < 3; i++)
        {
            await interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask);
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("3 mutating calls per minute", ex.Status.Detail, StringComparison.Ordinal);

        // Another caller has its own budget; viewer calls are not counted.
        await interceptor.InterceptAsync(Call(Mutating, "bob"), () => Task.CompletedTask);
        await interceptor.InterceptAsync(Call("/hvfleet.agent.v1.HostAgent/GetJob", "alice"), () => Task.CompletedTask);

        _time.Advance(TimeSpan.FromMinutes(1));
        await interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask);
    }

    [Fact]
    public async Task InterceptAsync_TooManyOpenStreams_ResourceExhaustedAndFreedWhenOneEnds()
    {
        var interceptor = Create(new CallLimitOptions { MaxConcurrentStreamsPerCaller = 2 });
        var release = new TaskCompletionSource();
        var first = interceptor.InterceptAsync(Call(Stream, "alice", MethodType.ServerStreaming), () => release.Task);
        var second = interceptor.InterceptAsync(Call(Stream, "alice", MethodType.ServerStreaming), () => release.Task);

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.InterceptAsync(Call(Stream, "alice", MethodType.ServerStreaming), () => Task.CompletedTask));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("2 concurrent streams", ex.Status.Detail, StringComparison.Ordinal);
        await interceptor.InterceptAsync(Call(Stream, "bob", MethodType.ServerStreaming), () => Task.CompletedTask);

        release.SetResult();
        await Task.WhenAll(first, second);
        await interceptor.InterceptAsync(Call(Stream, "alice", MethodType.ServerStreaming), () => Task.CompletedTask);
    }

    [Fact]
    public void Validate_NonPositiveLimits_ReportsEveryOne()
    {
        var result = new CallLimitOptionsValidator().Validate(null, new CallLimitOptions { MaxConcurrentStreamsPerCaller = 0, MaxMutatingCallsPerMinute = -1, MaxReceiveMessageBytes = 1 });

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
    }

    private CallLimitInterceptor Create(CallLimitOptions options) =>
        new(new MethodRoles(), Options.Create(options), _time, NullLogger<CallLimitInterceptor>.Instance);

    private static FakeServerCallContext Call(string method, string caller, MethodType type = MethodType.Unary)
    {
        var context = new FakeServerCallContext(method, type);
        new CallerIdentity(caller, FleetRole.Admin, null).Set(context);
        return context;
    }
}
