namespace HvFleet.Rpc;

/// <summary>The non-generic view of a <see cref="Method{TRequest, TResponse}"/>.</summary>
public interface IMethod
{
    MethodType Type { get; }

    string ServiceName { get; }

    string Name { get; }

    string FullName { get; }
}
