using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Tests.Inventory;

public sealed class InventoryParserTests
{
    [Fact]
    public void Parse_ValidYaml_HostsInFileOrder()
    {
        const string yaml = """
            hosts:
              - name: hv01
                address: hv01.example.net:7443
                labels: { site: ams, rack: r12 }
                storageKey: csv-01
                tlsIdentity: hv01.example.net
              - name: hv02
                address: "[fd00::2]:7443"
              - name: lab
                address: https://127.0.0.1:9000
            """;

        var hosts = InventoryParser.Parse(yaml, InventoryFormat.Yaml);

        Assert.Equal(["hv01", "hv02", "lab"], hosts.Select(h => h.Name));
        Assert.Equal("ams", hosts[0].Labels["site"]);
        Assert.Equal("csv-01", hosts[0].StorageKey);
        Assert.Equal("hv01.example.net", hosts[0].TlsIdentity);
        Assert.Equal("[fd00::2]:7443", hosts[1].Address);
        Assert.Empty(hosts[1].Labels);
    }

    [Fact]
    public void Parse_ValidJson_SameModel()
    {
        const string json = """
            { "hosts": [ { "name": "hv01", "address": "10.0.0.1:7443", "labels": { "role": "sql" }, "storageKey": "csv-a" } ] }
            """;

        var host = Assert.Single(InventoryParser.Parse(json, InventoryFormat.Json));

        Assert.Equal(("hv01", "10.0.0.1:7443", "sql", "csv-a"), (host.Name, host.Address, host.Labels["role"], host.StorageKey));
    }

    [Fact]
    public void Parse_SeveralProblems_EveryOneReportedNamingTheEntry()
    {
        const string yaml = """
            hosts:
              - name: hv01
                address: hv01:7443
              - name: HV01
                address: hv01b:7443
              - name: bad name
                address: x:1
              - name: hv03
                address: hv03
              - name: hv04
                address: hv04:99999
              - address: hv05:7443
              - name: hv06
                address: ::1:7443
            """;

        var ex = Assert.Throws<InventoryException>(() => InventoryParser.Parse(yaml, InventoryFormat.Yaml, "fleet.yaml"));

        Assert.Equal(6, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("hosts[1] ('HV01'): duplicate name (first defined at hosts[0])", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("hosts[2] ('bad name'): 'name' may contain only", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("hosts[3] ('hv03'): 'address' 'hv03' must be host:port", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("invalid port '99999'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("hosts[5]: 'name' is required", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("IPv6 address in brackets", StringComparison.Ordinal));
        Assert.StartsWith("inventory fleet.yaml is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenYaml_ErrorNamesTheLine()
    {
        const string yaml = "hosts:\n  - name: hv01\n    address: [unclosed\n";

        var ex = Assert.Throws<InventoryException>(() => InventoryParser.Parse(yaml, InventoryFormat.Yaml));

        Assert.Contains("not valid YAML at line", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenJson_ErrorNamesTheLine()
    {
        var ex = Assert.Throws<InventoryException>(() => InventoryParser.Parse("{ \"hosts\": [ { \"name\": } ] }", InventoryFormat.Json));

        Assert.Contains("not valid JSON at line 1", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyHostsList_NoHosts() =>
        Assert.Empty(InventoryParser.Parse("hosts: []\n", InventoryFormat.Yaml));

    [Fact]
    public void Parse_MissingHostsList_ClearError()
    {
        var ex = Assert.Throws<InventoryException>(() => InventoryParser.Parse("# nothing\n", InventoryFormat.Yaml));

        Assert.Contains("'hosts' list is missing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hosts: []\nhostz: 1\n", InventoryFormat.Yaml)]
    [InlineData("{ \"hosts\": [], \"hostz\": 1 }", InventoryFormat.Json)]
    public void Parse_UnknownKey_ErrorNamesIt(string text, InventoryFormat format)
    {
        var ex = Assert.Throws<InventoryException>(() => InventoryParser.Parse(text, format));

        Assert.Contains("'hostz'", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hv01:7443", null)]
    [InlineData("10.1.2.3:1", null)]
    [InlineData("[::1]:7443", null)]
    [InlineData("http://hv01:80", null)]
    [InlineData("ftp://hv01:21", "is not an http:// or https:// URL")]
    [InlineData("https://hv01:443/api", "must not carry a path or query")]
    [InlineData("hv01:0", "has an invalid port '0' (1-65535)")]
    [InlineData("hv 01:7443", "has an invalid host 'hv 01'")]
    [InlineData("unix:/run/hvfleet/agent.sock", null)]
    [InlineData("unix:agent.sock", "is not a usable unix socket: 'unix:agent.sock' must name an absolute socket path: unix:/ABSOLUTE/PATH, e.g. unix:/run/hvfleet/agent.sock")]
    public void AddressError_Cases(string address, string? expected) =>
        Assert.Equal(expected, InventoryParser.AddressError(address));
}
