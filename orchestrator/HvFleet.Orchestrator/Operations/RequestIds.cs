using System.Security.Cryptography;
using System.Text;

namespace HvFleet.Orchestrator.Operations;

/// <summary>Deterministic request ids: the same operation and target always give the same id, so a retry attempt
/// or an operation resumed after a restart re-attaches to the agent's existing job instead of starting another.</summary>
public static class RequestIds
{
    /// <summary>Agents accept ids up to this length; longer ids are shortened by hashing.</summary>
    public const int MaxLength = 128;

    /// <summary><c>op-&lt;operation&gt;/&lt;host&gt;/&lt;kind&gt;:&lt;target&gt;</c>, hashed when too long.</summary>
    public static string ForTarget(string operationId, string hostName, TargetKind kind, string targetKey)
    {
        string kindText = kind switch
        {
            TargetKind.Collection => "collection",
            TargetKind.VirtualMachine => "vm",
            _ => "snapshot",
        };
        return Bound($"op-{operationId}/{hostName}/{kindText}:{targetKey}", operationId);
    }

    /// <summary>
    /// The operation id for a call that carries the caller's request id: 16 lower-case hex digits (like a random id)
    /// of a SHA-256 over the kind of call, the retried operation (retries) and the caller's request id. Task request
    /// ids are made from the operation id (<see cref="ForTarget"/>), so a replay of the same request id against a
    /// fresh store (the database was lost) reaches the agents with the request ids of their existing jobs, which
    /// answer with those jobs: no second checkpoint. A retry gets an id of its own, distinct from the original's.
    /// </summary>
    public static string ForOperation(OperationKind kind, string retryOf, string callerRequestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(callerRequestId);
        string call = retryOf.Length > 0 ? "retry:" + retryOf : kind.ToString();
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes($"hvfleet-operation\n{call}\n{callerRequestId}"));
        return Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    /// <summary>The id for deleting one snapshot a task created (cleanup policy).</summary>
    public static string ForCleanup(string taskRequestId, string snapshotId) =>
        Bound($"{taskRequestId}/delete:{snapshotId}", "cleanup");

    private static string Bound(string id, string prefixHint)
    {
        if (id.Length <= MaxLength)
        {
            return id;
        }

        // Keep a readable prefix and make the rest a digest of the full id: stable and collision-resistant.
        string digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        string prefix = $"op-{prefixHint}";
        if (prefix.Length > MaxLength - digest.Length - 1)
        {
            prefix = prefix[..(MaxLength - digest.Length - 1)];
        }

        return $"{prefix}#{digest}";
    }
}
