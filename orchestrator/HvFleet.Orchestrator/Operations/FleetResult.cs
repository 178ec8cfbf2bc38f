using System.Diagnostics.CodeAnalysis;

namespace HvFleet.Orchestrator.Operations;

/// <summary>A value or the reason the request was refused. Refusals are expected outcomes, not exceptions.</summary>
public sealed record FleetResult<T>
    where T : class
{
    private FleetResult(T? value, FleetError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public FleetError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static FleetResult<T> Success(T value) => new(value, null);

    public static FleetResult<T> Fail(FleetErrorCode code, string message) => new(null, new FleetError(code, message));
}
