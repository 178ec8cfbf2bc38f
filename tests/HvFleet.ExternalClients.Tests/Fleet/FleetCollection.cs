namespace HvFleet.ExternalClients.Tests.Fleet;

/// <summary>The test classes that share one <see cref="FleetFixture"/> (started once, its tests run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetFixture>
{
    public const string Name = "fleet";
}
