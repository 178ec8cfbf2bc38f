using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using HvFleet.Cli.Output;
using HvFleet.Protos.Orchestrator.V1;

namespace HvFleet.Cli.Tests.Output;

public sealed class OperationOutputTests
{
    [Theory]
    [InlineData(new[] { OperationState.Succeeded }, 0)]
    [InlineData(new[] { OperationState.Planned }, 0)]
    [InlineData(new[] { OperationState.PartiallyFailed }, 2)]
    [InlineData(new[] { OperationState.Failed }, 1)]
    [InlineData(new[] { OperationState.Cancelled }, 1)]
    [InlineData(new[] { OperationState.Succeeded, OperationState.PartiallyFailed }, 2)]
    [InlineData(new[] { OperationState.PartiallyFailed, OperationState.Failed, OperationState.PartiallyFailed }, 1)]
    public void ExitCodeFor_States_Code(OperationState[] states, int expected) =>
        Assert.Equal(expected, OperationOutput.ExitCodeFor(states.Select(s => new Operation { State = s })));

    [Fact]
    public void ToJson_Operation_ArrayWithProtoFieldNames()
    {
        var created = new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);
        var operation = new Operation
        {
            Id = "op1",
            State = OperationState.PartiallyFailed,
            CreatedAt = Timestamp.FromDateTimeOffset(created),
            StartedAt = Timestamp.FromDateTimeOffset(created.AddSeconds(1)),
            FinishedAt = Timestamp.FromDateTimeOffset(created.AddSeconds(9)),
            Tasks = { new Protos.Orchestrator.V1.HostTask { HostName = "hv1", Outcome = TaskOutcome.Unreachable, Attempts = 3 } },
        };

        using var json = JsonDocument.Parse(OperationOutput.ToJson([operation]));

        var first = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("OPERATION_STATE_PARTIALLY_FAILED", first.GetProperty("state").GetString());
        Assert.Equal("2026-11-22T01:00:00Z", first.GetProperty("created_at").GetString());
        Assert.Equal("2026-11-22T01:00:09Z", first.GetProperty("finished_at").GetString());
        var task = Assert.Single(first.GetProperty("tasks").EnumerateArray());
        Assert.Equal("hv1", task.GetProperty("host_name").GetString());
        Assert.Equal("TASK_OUTCOME_UNREACHABLE", task.GetProperty("outcome").GetString());
        Assert.Equal(0, task.GetProperty("percent").GetInt32()); // defaults are written too
    }
}
