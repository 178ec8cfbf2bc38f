namespace HvFleet.Hypervisors;

/// <summary>Receives what a long hypervisor operation reports while it runs.</summary>
public interface IOperationObserver
{
    /// <summary>Progress from the backend (bytes actually moved, or the backend job's percent).</summary>
    void ReportProgress(HypervisorProgress progress);

    /// <summary>
    /// The backend started a job of its own (Hyper-V: the Msvm_ConcreteJob InstanceID); the agent
    /// persists it so that <see cref="IHypervisor.ResumeAsync"/> can re-attach after a restart.
    /// </summary>
    void ReportBackendJob(BackendJobReference backendJob);
}
