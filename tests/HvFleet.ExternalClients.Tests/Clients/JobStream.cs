using System.Text.Json;

namespace HvFleet.ExternalClients.Tests.Clients;

/// <summary>Assertions on a client's summary of one job's event stream (the <c>events</c> object of a RESULT line).</summary>
internal static class JobStream
{
    /// <summary>Progress first (at least one RUNNING event before the end, percent never going back, sequence rising),
    /// then exactly one terminal event, COMPLETED, at 100 %; all events of one job.</summary>
    public static void AssertProgressThenCompleted(JsonElement events, string context)
    {
        string[] states = [.. events.GetProperty("states").EnumerateArray().Select(s => s.GetString()!)];
        Assert.True(events.GetProperty("count").GetInt32() >= 2, $"{context}: expected progress events before the end: {events}");
        Assert.Equal("JOB_STATE_COMPLETED", states[^1]);
        Assert.Contains("JOB_STATE_RUNNING", states[..^1]);
        Assert.Equal(1, events.GetProperty("terminal_count").GetInt32());
        Assert.True(events.GetProperty("percent_non_decreasing").GetBoolean(), $"{context}: percent went back: {events}");
        Assert.True(events.GetProperty("sequence_increasing").GetBoolean(), $"{context}: sequence did not rise: {events}");
        Assert.True(events.GetProperty("distinct_percents").GetInt32() >= 2, $"{context}: no progress between start and end: {events}");
        Assert.Equal(100, events.GetProperty("max_percent").GetInt32());
        Assert.Single(events.GetProperty("job_ids").EnumerateArray());
        long total = events.GetProperty("bytes_total").GetInt64();
        Assert.True(total > 0, $"{context}: no bytes reported: {events}");
        Assert.Equal(total, events.GetProperty("bytes_done").GetInt64());
    }
}
