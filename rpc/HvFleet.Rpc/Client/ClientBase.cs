namespace HvFleet.Rpc.Client;

/// <summary>Base of the typed clients.</summary>
public abstract class ClientBase
{
    protected ClientBase(CallInvoker callInvoker)
    {
        CallInvoker = callInvoker ?? throw new ArgumentNullException(nameof(callInvoker));
    }

    protected ClientBase(GrpcChannel channel)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CreateCallInvoker())
    {
    }

    /// <summary>The invoker every call goes through.</summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>Builds call options from the convenience parameters of typed client methods.</summary>
    protected static CallOptions Options(Metadata? headers, DateTime? deadline, CancellationToken cancellationToken) =>
        new(headers, deadline, CancellationToken: cancellationToken);
}
