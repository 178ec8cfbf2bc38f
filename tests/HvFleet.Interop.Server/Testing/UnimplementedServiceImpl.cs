namespace HvFleet.Interop.Testing;

/// <summary>grpc.testing.UnimplementedService: nothing implemented, by definition.</summary>
public sealed class UnimplementedServiceImpl : UnimplementedService.UnimplementedServiceBase
{
}
