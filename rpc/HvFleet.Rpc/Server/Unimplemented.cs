namespace HvFleet.Rpc.Server;

/// <summary>What a service base class throws for a method its implementation does not override.</summary>
public static class Unimplemented
{
    public static RpcException Method() => new(StatusCode.Unimplemented, "Method is unimplemented.");
}
