using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using HvFleet.Rpc.Health;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Rpc.Tests.Functional;

public class HealthAndReflectionTests
{
    [Fact]
    public async Task HealthCheck_RegisteredAndUnknown()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        server.Services.GetRequiredService<HealthStatusManager>().SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        var client = new Grpc.Health.V1.Health.HealthClient(server.CreateChannel());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await client.CheckAsync(new HealthCheckRequest())).Status);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.CheckAsync(new HealthCheckRequest { Service = "nope" }));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_UnknownThenRegistered_StreamStaysOpenAndReportsChanges()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var manager = server.Services.GetRequiredService<HealthStatusManager>();
        var client = new Grpc.Health.V1.Health.HealthClient(server.CreateChannel());
        using var call = client.Watch(new HealthCheckRequest { Service = "later" });
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.ServiceUnknown, call.ResponseStream.Current.Status);
        manager.SetStatus("later", HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, call.ResponseStream.Current.Status);
        manager.SetStatus("later", HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, call.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Reflection_ListsServicesAndDescribesWithDependencies()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var client = new ServerReflection.ServerReflectionClient(server.CreateChannel());
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(default));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("hvfleet.rpctest.v1.TestRpc", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "hvfleet.rpctest.v1.TestRpc.Unary" });
        Assert.True(await call.ResponseStream.MoveNext(default));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(b => FileDescriptorProto.Parser.ParseFrom(b)).ToList();
        Assert.Equal("rpc_test.proto", files[0].Name);
        Assert.Contains(files[0].Service, s => s.Name == "TestRpc");

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileByFilename = "grpc/reflection/v1/reflection.proto" });
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.Equal("grpc/reflection/v1/reflection.proto", FileDescriptorProto.Parser.ParseFrom(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]).Name);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "no.Such" });
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.Equal((int)StatusCode.NotFound, call.ResponseStream.Current.ErrorResponse.ErrorCode);

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(default));
    }

    [Fact]
    public async Task ReflectionV1Alpha_ListsServices()
    {
        await using var server = await TestServers.StartAsync(new ServerProbe());
        var client = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(server.CreateChannel());
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "*" });
        Assert.True(await call.ResponseStream.MoveNext(default));
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "hvfleet.rpctest.v1.TestRpc");
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public void ReflectionCore_WithDependencies_SkipsFilesAlreadySent()
    {
        var file = Grpc.Reflection.V1.ReflectionReflection.Descriptor;
        var sent = new HashSet<string>();
        var first = HvFleet.Rpc.Reflection.ReflectionCore.WithDependencies(file, sent);
        var second = HvFleet.Rpc.Reflection.ReflectionCore.WithDependencies(file, sent);
        Assert.Single(first);
        Assert.Empty(second);
        Assert.Equal(file.SerializedData, first[0]);
        _ = ByteString.Empty;
    }
}
