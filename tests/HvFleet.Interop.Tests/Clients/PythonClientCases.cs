namespace HvFleet.Interop.Tests.Clients;

/// <summary>
/// The grpcio interop client against our server: reference §6.3 cases (compression with a wire
/// check through nghttp, deadlines, cancellation, size limit, health) and reflection v1/v1alpha.
/// </summary>
public abstract class PythonClientCases(InteropClientRun run)
{
    private static readonly string[] CaseNames =
    [
        "empty_unary", "large_unary", "server_streaming", "custom_metadata", "status_code_and_message",
        "special_status_message", "unimplemented_method", "unimplemented_service", "client_compressed_unary",
        "server_compressed_unary", "server_compressed_streaming", "deadline_on_slow_stream",
        "cancel_after_first_response", "oversize_request", "health_check", "health_watch", "reflection_v1",
        "reflection_v1alpha", "wire_trailers_only", "wire_unsupported_content_type", "wire_frame_order",
        "wire_server_deadline",
    ];

    public static TheoryData<string> Cases => new(CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void PythonClient_Case_Passes(string testCase) => run.Report.AssertPassed(testCase);

    [Fact]
    public void PythonClient_Run_ReportsEveryCaseAndCountsThem()
    {
        var report = run.Report;
        Assert.Equal(CaseNames, report.Cases);
        Assert.NotNull(report.Summary);
        Assert.Equal(report.Cases.Count, report.Summary.Value.Passed + report.Summary.Value.Failed);
        Assert.Equal(report.Summary.Value.Failed == 0 ? 0 : 1, report.ExitCode);
    }
}
