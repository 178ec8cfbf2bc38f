using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Agents.Grpc;

/// <summary>Reports every problem of <see cref="AgentConnectionOptions"/> at once.</summary>
internal sealed class AgentConnectionOptionsValidator : IValidateOptions<AgentConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentConnectionOptions options)
    {
        var errors = new List<string>();
        string p = AgentConnectionOptions.SectionName;
        if (options.ConnectTimeout <= TimeSpan.Zero || options.UnaryTimeout <= TimeSpan.Zero || options.StreamTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{p}:ConnectTimeout, {p}:UnaryTimeout and {p}:StreamTimeout must be positive");
        }

        if ((options.ClientCertificatePath.Length > 0) != (options.ClientKeyPath.Length > 0))
        {
            errors.Add($"{p}:ClientCertificatePath and {p}:ClientKeyPath go together");
        }

        foreach (var (key, path) in new[] { ("CaCertificatePath", options.CaCertificatePath), ("ClientCertificatePath", options.ClientCertificatePath), ("ClientKeyPath", options.ClientKeyPath) })
        {
            if (path.Length > 0 && !File.Exists(path))
            {
                errors.Add($"{p}:{key}: file '{path}' does not exist");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
