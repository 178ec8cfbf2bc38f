using System.Reflection;
using Google.Protobuf.Reflection;
using HvFleet.Protos.Agent.V1;
using HvFleet.Protos.Orchestrator.V1;
using Grpc.Core;
using HvFleet.Testing;

namespace HvFleet.Protos.Tests;

/// <summary>Every RPC a .proto declares must be bound, with the right kind and message types.</summary>
public class BindingCompletenessTests
{
    public static TheoryData<string> Services => new()
    {
        HostAgent.ServiceName,
        Fleet.ServiceName,
        Grpc.Health.V1.Health.ServiceName,
        Grpc.Reflection.V1.ServerReflection.ServiceName,
        Grpc.Reflection.V1Alpha.ServerReflection.ServiceName,
    };

    private static readonly Dictionary<string, (ServiceDescriptor Descriptor, Action<ServiceBinderBase> Bind)> Bindings = new()
    {
        [HostAgent.ServiceName] = (HostAgent.Descriptor, b => HostAgent.BindService(b, new AgentStub())),
        [Fleet.ServiceName] = (Fleet.Descriptor, b => Fleet.BindService(b, new FleetStub())),
        [Grpc.Health.V1.Health.ServiceName] = (Grpc.Health.V1.Health.Descriptor, b => Grpc.Health.V1.Health.BindService(b, new HealthStub())),
        [Grpc.Reflection.V1.ServerReflection.ServiceName] = (Grpc.Reflection.V1.ServerReflection.Descriptor, b => Grpc.Reflection.V1.ServerReflection.BindService(b, new ReflectionV1Stub())),
        [Grpc.Reflection.V1Alpha.ServerReflection.ServiceName] = (Grpc.Reflection.V1Alpha.ServerReflection.Descriptor, b => Grpc.Reflection.V1Alpha.ServerReflection.BindService(b, new ReflectionV1AlphaStub())),
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void BindService_EveryDeclaredRpc_IsBoundWithMatchingKindAndTypes(string serviceName)
    {
        var (descriptor, bind) = Bindings[serviceName];
        var recorder = new BindingRecorder();
        bind(recorder);

        Assert.Equal(serviceName, descriptor.FullName);
        Assert.Contains(descriptor.FullName, recorder.Descriptors);
        Assert.Equal(BindingRecorder.Declared(descriptor), recorder.Bound());
    }

    [Fact]
    public void EveryServiceInTheApiAssembly_IsCovered()
    {
        var declared = typeof(HostAgent).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal) && t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.PropertyType == typeof(FileDescriptor))
            .SelectMany(t => ((FileDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!).Services)
            .Select(s => s.FullName)
            .ToList();
        Assert.NotEmpty(declared);
        Assert.All(declared, name => Assert.Contains(name, Bindings.Keys));
    }

    private sealed class AgentStub : HostAgent.HostAgentBase;

    private sealed class FleetStub : Fleet.FleetBase;

    private sealed class HealthStub : Grpc.Health.V1.Health.HealthBase;

    private sealed class ReflectionV1Stub : Grpc.Reflection.V1.ServerReflection.ServerReflectionBase;

    private sealed class ReflectionV1AlphaStub : Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionBase;
}
