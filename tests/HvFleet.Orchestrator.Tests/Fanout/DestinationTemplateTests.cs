using HvFleet.Orchestrator.Fanout;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class DestinationTemplateTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 22, 3, 4, 5, TimeSpan.FromHours(2));

    [Fact]
    public void Expand_EveryPlaceholder_UtcDateAndTime() =>
        Assert.Equal("/e/hv1/20261122/010405/op1/sql",
            DestinationTemplate.Expand("/e/{host}/{date}/{time}/{operation}/{target}", "hv1", Created, "op1", "sql"));

    [Theory]
    [InlineData("../../etc", "_.._etc")]
    [InlineData("a/b\\c", "a_b_c")]
    [InlineData("..", "_")]
    [InlineData("web tier", "web_tier")]
    public void Expand_TargetWithSeparators_OneSafeSegment(string target, string expected) =>
        Assert.Equal($"/e/{expected}", DestinationTemplate.Expand("/e/{target}", "hv1", Created, "op1", target));

    [Fact]
    public void Validate_UnknownPlaceholder_Named() =>
        Assert.Contains("'{Host}'", DestinationTemplate.Validate("/e/{Host}"), StringComparison.Ordinal);
}
