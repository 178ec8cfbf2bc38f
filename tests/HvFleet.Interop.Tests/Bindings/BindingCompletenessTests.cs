using Google.Protobuf.Reflection;
using HvFleet.Interop.Bench;
using HvFleet.Interop.Testing;
using HvFleet.Testing;

namespace HvFleet.Interop.Tests.Bindings;

/// <summary>Every RPC the interop protos declare is bound, with its kind and message types.</summary>
public sealed class BindingCompletenessTests
{
    public static TheoryData<string> Services => new(TestService.ServiceName, UnimplementedService.ServiceName, Echo.ServiceName);

    [Theory]
    [MemberData(nameof(Services))]
    public void BindService_EveryDeclaredRpc_IsBoundWithItsKindAndTypes(string serviceName)
    {
        var binder = new BindingRecorder();
        ServiceDescriptor descriptor;
        switch (serviceName)
        {
            case TestService.ServiceName:
                TestService.BindService(binder, new TestServiceImpl(TimeProvider.System));
                descriptor = TestService.Descriptor;
                break;
            case UnimplementedService.ServiceName:
                UnimplementedService.BindService(binder, new UnimplementedServiceImpl());
                descriptor = UnimplementedService.Descriptor;
                break;
            default:
                Echo.BindService(binder, new EchoServiceImpl());
                descriptor = Echo.Descriptor;
                break;
        }

        Assert.Equal(serviceName, descriptor.FullName);
        Assert.Equal([descriptor.FullName], binder.Descriptors);
        Assert.Equal(BindingRecorder.Declared(descriptor), binder.Bound());
    }
}
