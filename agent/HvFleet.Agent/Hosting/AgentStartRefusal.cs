using HvFleet.Hypervisors;

namespace HvFleet.Agent.Hosting;

/// <summary>Finds why the backend refused to start in what a host start threw (the host may wrap it).</summary>
internal static class AgentStartRefusal
{
    /// <summary>The backend's refusal inside <paramref name="exception"/>, or null when the start failed for another reason.</summary>
    public static HypervisorStartException? Find(Exception exception) => exception switch
    {
        HypervisorStartException refused => refused,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(r => r is not null),
        { InnerException: { } inner } => Find(inner),
        _ => null,
    };

    /// <summary>The one line printed on standard error: the file, what is wrong, how to recover.</summary>
    public static string Line(HypervisorStartException refused) =>
        "hvfleet-agent: refusing to start: " + refused.Message.ReplaceLineEndings(" ");
}
