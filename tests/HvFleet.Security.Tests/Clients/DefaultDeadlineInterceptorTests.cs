using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using HvFleet.Security.Clients;
using HvFleet.Security.Hosting;
using HvFleet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Security.Tests.Clients;

public sealed class DefaultDeadlineInterceptorTests
{
    [Fact]
    public async Task Call_WithoutDeadline_ServerSeesTheDefaultAndAnExplicitDeadlineIsKept()
    {
        var probe = new DeadlineProbe();
        await using var server = await LoopbackGrpcServer.StartAsync(
            services => services.AddSingleton(probe),
            app => app.MapGrpcService<HealthServiceImpl>(),
            grpc => grpc.Interceptors.Add<DeadlineProbe>());
        server.Services.GetRequiredService<FleetHealth>().SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        using var channel = server.CreateChannel();
        var client = new Health.HealthClient(channel.Intercept(new DefaultDeadlineInterceptor(TimeSpan.FromMinutes(3), TimeSpan.FromHours(5))));

        var before = DateTime.UtcNow;
        await client.CheckAsync(new HealthCheckRequest());
        var unary = probe.Deadlines.Dequeue();
        await client.CheckAsync(new HealthCheckRequest(), deadline: before.AddSeconds(40));
        var explicitDeadline = probe.Deadlines.Dequeue();
        using (var watch = client.Watch(new HealthCheckRequest()))
        {
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        }

        var stream = probe.Deadlines.Dequeue();

        // The server's view of a deadline is the sent duration from when it read the call: within a few seconds.
        Assert.InRange(unary - before, TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(10));
        Assert.InRange(explicitDeadline - before, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(50));
        Assert.InRange(stream - before, TimeSpan.FromHours(5) - TimeSpan.FromSeconds(10), TimeSpan.FromHours(5) + TimeSpan.FromSeconds(10));
    }

    private sealed class DeadlineProbe : CallInterceptor
    {
        public Queue<DateTime> Deadlines { get; } = new();

        protected override Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
        {
            lock (Deadlines)
            {
                Deadlines.Enqueue(context.Deadline);
            }

            return continuation();
        }
    }
}
