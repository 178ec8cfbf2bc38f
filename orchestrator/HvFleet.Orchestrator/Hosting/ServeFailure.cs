using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>Why a stopped <c>hvfleet serve</c> must exit non-zero, on one line; null when it stopped because it was asked to.</summary>
public static class ServeFailure
{
    /// <summary>Why the start of <paramref name="app"/> failed with <paramref name="exception"/> (e.g. a damaged operations
    /// database), on one line: the fatal error reported, else the exception.</summary>
    public static string DescribeStart(WebApplication app, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(exception);
        return app.Services.GetRequiredService<OrchestratorFatalErrors>().Message
            ?? $"{exception.GetType().Name}: {exception.Message}".ReplaceLineEndings(" ");
    }

    public static string? Describe(WebApplication app, OrchestratorFatalErrors fatal)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fatal);
        if (fatal.Message is { } message)
        {
            return message;
        }

        // A background service that failed (e.g. resuming operations from a damaged store) stops the host by itself;
        // that stop is a failure, not a clean exit.
        var failed = app.Services.GetServices<IHostedService>().OfType<BackgroundService>()
            .Select(service => service.ExecuteTask)
            .FirstOrDefault(task => task is { IsFaulted: true });
        if (failed?.Exception?.GetBaseException() is not { } exception)
        {
            return null;
        }

        return $"{exception.GetType().Name}: {exception.Message}".ReplaceLineEndings(" ");
    }
}
