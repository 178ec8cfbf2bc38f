using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>A <see cref="FleetEngine"/> composed as <see cref="OrchestratorServiceCollectionExtensions.AddFleetOrchestrator"/>
/// composes it, over the given parts. No hosted service runs: the store must be initialised already.</summary>
internal static class EngineFactory
{
    public static FleetEngine Create(IFleetInventory inventory, IAgentConnector connector, IOperationStore store, TimeProvider time,
        OrchestratorOptions options, OrchestratorFatalErrors? fatal = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(inventory)
            .AddSingleton(connector)
            .AddSingleton(store)
            .AddSingleton(time)
            .AddSingleton(Options.Create(options));
        if (fatal is not null)
        {
            services.AddSingleton(fatal);
        }

        services.AddFleetOrchestrator();
        return services.BuildServiceProvider().GetRequiredService<FleetEngine>();
    }
}
