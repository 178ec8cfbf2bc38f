using System.Collections.Concurrent;
using Grpc.Core;
using HvFleet.Security.Hosting;
using HvFleet.Security.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Limits;

/// <summary>
/// Per-caller limits: open streaming calls, and mutating calls per sliding minute. Runs after
/// <see cref="RoleAuthorizationInterceptor"/> (it needs the caller); an exceeded limit ends the
/// call with RESOURCE_EXHAUSTED naming the limit, and the trailer <see cref="RetryPushback.TrailerName"/> says
/// when to try again. An orchestrator (<see cref="CallerIdentity.IsOrchestrator"/>) has its own, higher limits.
/// </summary>
public sealed partial class CallLimitInterceptor(
    MethodRoles roles,
    IOptions<CallLimitOptions> options,
    TimeProvider time,
    ILogger<CallLimitInterceptor> logger) : CallInterceptor
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // A stream slot frees when one of the caller's streams ends, which cannot be foreseen: a short hint.
    private static readonly TimeSpan StreamRetryHint = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, CallerCounters> _callers = new(StringComparer.Ordinal);

    protected override async Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var caller = CallerIdentity.Get(context) ?? new CallerIdentity(context.Peer, null, null);
        var limits = options.Value;
        bool orchestrator = caller.IsOrchestrator;
        string per = orchestrator ? "orchestrator" : "caller";
        // One entry per distinct certificate: the set of callers is bounded by the certificates the CA issued.
        var counters = _callers.GetOrAdd(caller.Key, static _ => new CallerCounters());

        int perMinute = orchestrator ? limits.OrchestratorMaxMutatingCallsPerMinute : limits.MaxMutatingCallsPerMinute;
        if (roles.IsMutating(context.Method) && !counters.TryStartMutation(time.GetUtcNow(), perMinute, out var retryAfter))
        {
            string setting = orchestrator ? nameof(CallLimitOptions.OrchestratorMaxMutatingCallsPerMinute) : nameof(CallLimitOptions.MaxMutatingCallsPerMinute);
            LogLimited(logger, caller.Name, context.Method, "mutating calls per minute", perMinute);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Limit reached: at most {perMinute} mutating calls per minute per {per} ({CallLimitOptions.SectionName}:{setting}); "
                + $"retry in {retryAfter.TotalSeconds:0.###} s."), RetryPushback.ToTrailers(retryAfter));
        }

        if (kind == MethodType.Unary)
        {
            await continuation();
            return;
        }

        int maxStreams = orchestrator ? limits.OrchestratorMaxConcurrentStreams : limits.MaxConcurrentStreamsPerCaller;
        if (Interlocked.Increment(ref counters.OpenStreams) > maxStreams)
        {
            Interlocked.Decrement(ref counters.OpenStreams);
            string setting = orchestrator ? nameof(CallLimitOptions.OrchestratorMaxConcurrentStreams) : nameof(CallLimitOptions.MaxConcurrentStreamsPerCaller);
            LogLimited(logger, caller.Name, context.Method, "concurrent streams", maxStreams);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Limit reached: at most {maxStreams} concurrent streams per {per} ({CallLimitOptions.SectionName}:{setting})."),
                RetryPushback.ToTrailers(StreamRetryHint));
        }

        try
        {
            await continuation();
        }
        finally
        {
            Interlocked.Decrement(ref counters.OpenStreams);
        }
    }

    [LoggerMessage(EventId = 6101, EventName = "CallLimited", Level = LogLevel.Warning, Message = "Call to {Method} by {Caller} refused: limit of {Limit} {LimitValue} reached.")]
    private static partial void LogLimited(ILogger logger, string caller, string method, string limit, int limitValue);

    private sealed class CallerCounters
    {
        private readonly Queue<DateTimeOffset> _mutations = new();

        // Updated with Interlocked.
        public int OpenStreams;

        /// <summary>Counts a mutation when the window has room; otherwise <paramref name="retryAfter"/> is the time until
        /// the oldest mutation in the window leaves it (when one more fits).</summary>
        public bool TryStartMutation(DateTimeOffset now, int perMinute, out TimeSpan retryAfter)
        {
            lock (_mutations)
            {
                while (_mutations.Count > 0 && now - _mutations.Peek() >= Window)
                {
                    _mutations.Dequeue();
                }

                // The queue never holds more than the largest limit applied to this caller; a lowered limit
                // (reloaded options) frees room only as the older entries leave the window.
                if (_mutations.Count >= perMinute)
                {
                    var freesAt = _mutations.ElementAt(_mutations.Count - perMinute) + Window;
                    retryAfter = freesAt > now ? freesAt - now : TimeSpan.Zero;
                    return false;
                }

                _mutations.Enqueue(now);
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }
    }
}
