using System.Collections.Concurrent;
using HvFleet.Rpc;
using HvFleet.Rpc.Server;
using HvFleet.Security.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Limits;

/// <summary>
/// Per-caller limits: open streaming calls, and mutating calls per sliding minute. Runs after
/// <see cref="RoleAuthorizationInterceptor"/> (it needs the caller); an exceeded limit ends the
/// call with RESOURCE_EXHAUSTED naming the limit.
/// </summary>
public sealed partial class CallLimitInterceptor(
    MethodRoles roles,
    IOptions<CallLimitOptions> options,
    TimeProvider time,
    ILogger<CallLimitInterceptor> logger) : ServerInterceptor
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, CallerCounters> _callers = new(StringComparer.Ordinal);

    public override async Task InterceptAsync(ServerCallContext context, Func<Task> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var caller = CallerIdentity.Get(context) ?? new CallerIdentity(context.Peer, null, null);
        var limits = options.Value;
        // One entry per distinct certificate: the set of callers is bounded by the certificates the CA issued.
        var counters = _callers.GetOrAdd(caller.Key, static _ => new CallerCounters());

        if (roles.IsMutating(context.Method) && !counters.TryStartMutation(time.GetUtcNow(), limits.MaxMutatingCallsPerMinute))
        {
            LogLimited(logger, caller.Name, context.Method, "mutating calls per minute", limits.MaxMutatingCallsPerMinute);
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Limit reached: at most {limits.MaxMutatingCallsPerMinute} mutating calls per minute per caller ({CallLimitOptions.SectionName}:MaxMutatingCallsPerMinute).");
        }

        if (context.MethodDescriptor.Type == MethodType.Unary)
        {
            await continuation();
            return;
        }

        if (Interlocked.Increment(ref counters.OpenStreams) > limits.MaxConcurrentStreamsPerCaller)
        {
            Interlocked.Decrement(ref counters.OpenStreams);
            LogLimited(logger, caller.Name, context.Method, "concurrent streams", limits.MaxConcurrentStreamsPerCaller);
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Limit reached: at most {limits.MaxConcurrentStreamsPerCaller} concurrent streams per caller ({CallLimitOptions.SectionName}:MaxConcurrentStreamsPerCaller).");
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

        public bool TryStartMutation(DateTimeOffset now, int perMinute)
        {
            lock (_mutations)
            {
                while (_mutations.Count > 0 && now - _mutations.Peek() >= Window)
                {
                    _mutations.Dequeue();
                }

                if (_mutations.Count >= perMinute)
                {
                    return false;
                }

                _mutations.Enqueue(now);
                return true;
            }
        }
    }
}
