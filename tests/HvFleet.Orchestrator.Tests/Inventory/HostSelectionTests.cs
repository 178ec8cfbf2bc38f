using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Tests.Inventory;

public sealed class HostSelectionTests
{
    private static readonly FleetHost[] Fleet =
    [
        new() { Name = "hv1", Address = "hv1:1", Labels = new Dictionary<string, string> { ["site"] = "ams", ["role"] = "sql" } },
        new() { Name = "hv2", Address = "hv2:1", Labels = new Dictionary<string, string> { ["site"] = "ams" } },
        new() { Name = "hv3", Address = "hv3:1", Labels = new Dictionary<string, string> { ["site"] = "fra", ["role"] = "sql" } },
    ];

    [Fact]
    public void Select_All_EveryHost() =>
        Assert.Equal(3, HostSelection.Select(Fleet, HostSelector.Everything).Hosts.Count);

    [Fact]
    public void Select_Empty_Nothing() =>
        Assert.Empty(HostSelection.Select(Fleet, new HostSelector()).Hosts);

    [Fact]
    public void Select_Labels_EveryLabelMustMatch()
    {
        var (hosts, _) = HostSelection.Select(Fleet, new HostSelector
        {
            Labels = new Dictionary<string, string> { ["site"] = "ams", ["role"] = "sql" },
        });

        Assert.Equal("hv1", Assert.Single(hosts).Name);
    }

    [Fact]
    public void Select_NamesCaseInsensitive_UnknownReported()
    {
        var (hosts, unknown) = HostSelection.Select(Fleet, new HostSelector { Names = ["HV3", "hv9"] });

        Assert.Equal("hv3", Assert.Single(hosts).Name);
        Assert.Equal("hv9", Assert.Single(unknown));
    }
}
