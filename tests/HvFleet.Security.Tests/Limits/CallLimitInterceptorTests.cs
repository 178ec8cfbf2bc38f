using Grpc.Core;
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
    public async Task InterceptAsync_OverThePerMinuteLimit_RefusalSaysWhenTheOldestCallLeavesTheWindow()
    {
        var interceptor = Create(new CallLimitOptions { MaxMutatingCallsPerMinute = 3 });
        for (var i = 0; i < 3; i++)
        {
            await interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask);
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask));

        // The first call was 30 s ago: it leaves the minute in 30 s.
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("30000", ex.Trailers.GetValue(RetryPushback.TrailerName));
        Assert.True(RetryPushback.TryRead(ex.Trailers, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
        Assert.Contains("retry in 30 s", ex.Status.Detail, StringComparison.Ordinal);

        _time.Advance(retryAfter - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<RpcException>(() => interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask);
    }

    [Fact]
    public async Task InterceptAsync_OrchestratorCertificate_OrchestratorLimitWhileOtherCallersKeepTheirs()
    {
        var interceptor = Create(new CallLimitOptions { MaxMutatingCallsPerMinute = 2, OrchestratorMaxMutatingCallsPerMinute = 5 });
        for (var i = 0; i < 5; i++)
        {
            await interceptor.InterceptAsync(Call(Mutating, "orchestrator", orchestrator: true), () => Task.CompletedTask);
        }

        var orchestratorRefused = await Assert.ThrowsAsync<RpcException>(
            () => interceptor.InterceptAsync(Call(Mutating, "orchestrator", orchestrator: true), () => Task.CompletedTask));

        // An admin that is not an orchestrator, and a caller without a certificate, are limited like anyone.
        for (var i = 0; i < 2; i++)
        {
            await interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask);
            await interceptor.InterceptAsync(Anonymous(Mutating), () => Task.CompletedTask);
        }

        var adminRefused = await Assert.ThrowsAsync<RpcException>(() => interceptor.InterceptAsync(Call(Mutating, "alice"), () => Task.CompletedTask));
        var unknownRefused = await Assert.ThrowsAsync<RpcException>(
            () => interceptor.InterceptAsync(Anonymous(Mutating), () => Task.CompletedTask));

        Assert.Contains("at most 5 mutating calls per minute per orchestrator (Security:Limits:OrchestratorMaxMutatingCallsPerMinute)",
            orchestratorRefused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("at most 2 mutating calls per minute per caller (Security:Limits:MaxMutatingCallsPerMinute)", adminRefused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.ResourceExhausted, unknownRefused.StatusCode);
        Assert.True(RetryPushback.TryRead(unknownRefused.Trailers, out _));
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

    private static FakeServerCallContext Call(string method, string caller, MethodType type = MethodType.Unary, bool orchestrator = false)
    {
        var context = new FakeServerCallContext(method, type);
        new CallerIdentity(caller, FleetRole.Admin, null) { IsOrchestrator = orchestrator }.Set(context);
        return context;
    }

    /// <summary>A call whose caller authorization did not identify (no certificate): keyed by its peer.</summary>
    private static FakeServerCallContext Anonymous(string method) => new(method);
}
