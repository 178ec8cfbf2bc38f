namespace HvFleet.Rpc;

/// <summary>The four gRPC call kinds.</summary>
public enum MethodType
{
    Unary,
    ClientStreaming,
    ServerStreaming,
    DuplexStreaming,
}
