namespace HvFleet.Hypervisors;

/// <summary>
/// A backend refuses to start because what it keeps on the host (its state file) is missing or
/// damaged while the host holds its data: starting anyway could lose or forget VMs and checkpoints.
/// <see cref="Exception.Message"/> is one line naming the file, what is wrong and how to recover;
/// the agent prints it and exits with a non-zero code.
/// </summary>
public sealed class HypervisorStartException : Exception
{
    public HypervisorStartException()
    {
    }

    public HypervisorStartException(string message)
        : base(message)
    {
    }

    public HypervisorStartException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
