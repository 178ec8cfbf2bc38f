using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Records a task's state: in the live view always (watchers), in the store when it must survive a restart.</summary>
internal sealed class TaskRecorder(IOperationStore store, TimeProvider timeProvider)
{
    public async Task<FleetTask> SaveAsync(RunContext run, FleetTask task, bool durable)
    {
        if (durable)
        {
            await store.UpdateTaskAsync(run.Live.Id, task, run.Shutdown);
        }

        run.Live.UpdateTask(task);
        return task;
    }

    /// <summary>Stamps the task finished now and stores it.</summary>
    public Task<FleetTask> FinishAsync(RunContext run, FleetTask task) =>
        SaveAsync(run, task with { FinishedAt = timeProvider.GetUtcNow() }, durable: true);
}
