namespace HvFleet.Interop.Tests.Clients;

/// <summary>The @grpc/grpc-js interop client against our server: one test per interop case.</summary>
public abstract class NodeClientCases(InteropClientRun run)
{
    private static readonly string[] CaseNames =
    [
        "empty_unary", "large_unary", "server_streaming", "client_streaming", "ping_pong", "empty_stream",
        "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server", "custom_metadata",
        "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
    ];

    public static TheoryData<string> Cases => new(CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeClient_Case_Passes(string testCase) => run.Report.AssertPassed(testCase);

    [Fact]
    public void NodeClient_Run_ReportsEveryCaseAndCountsThem()
    {
        var report = run.Report;
        Assert.Equal(CaseNames, report.Cases);
        Assert.NotNull(report.Summary);
        Assert.Equal(report.Cases.Count, report.Summary.Value.Passed + report.Summary.Value.Failed);
        Assert.Equal(report.Summary.Value.Failed == 0 ? 0 : 1, report.ExitCode);
    }
}
