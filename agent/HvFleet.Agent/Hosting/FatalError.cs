using HvFleet.Agent.Jobs;

namespace HvFleet.Agent.Hosting;

/// <summary>The one line that tells an operator why the agent stopped.</summary>
internal static class FatalError
{
    /// <summary>
    /// The job store's own message when a store problem is anywhere in the chain (it names the
    /// cause and the file), else the innermost exception's type and message, on one line.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var store = Flatten(exception).OfType<JobStoreException>().FirstOrDefault();
        var cause = store ?? Flatten(exception).Last();
        var text = store is not null ? store.Message : $"{cause.GetType().Name}: {cause.Message}";
        return text.ReplaceLineEndings(" ");
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        IEnumerable<Exception> children = exception switch
        {
            AggregateException aggregate => aggregate.InnerExceptions,
            { InnerException: { } inner } => [inner],
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var nested in Flatten(child))
            {
                yield return nested;
            }
        }
    }
}
