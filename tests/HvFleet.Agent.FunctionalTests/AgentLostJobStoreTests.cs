using HvFleet.Protos.Agent.V1;

namespace HvFleet.Agent.FunctionalTests;

/// <summary>A real agent whose job database is deleted between two runs: the hypervisor has the last word on a replay.</summary>
public class AgentLostJobStoreTests
{
    [Fact]
    public async Task CreateSnapshot_ReplayAfterJobDatabaseDeleted_AnswersWithTheExistingCheckpointNotASecondOne()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("hvfleet-agent-lost-store-").FullName;
        var request = new CreateSnapshotRequest { SnapshotType = SnapshotType.Recovery, RequestId = "lost-store-1" };
        string snapshotId;
        var agent = await TestAgent.StartAsync(dataDirectory);
        try
        {
            request.CollectionId = (await agent.FirstCollectionAsync()).Id;
            var done = (await TestAgent.CollectAsync(agent.Client.CreateSnapshot(request)))[^1].Job;
            Assert.Equal(JobState.Completed, done.State);
            snapshotId = Assert.Single(done.Result.SnapshotIds);
        }
        finally
        {
            await agent.StopAsync();
        }

        var databaseFiles = Directory.EnumerateFiles(dataDirectory, "jobs.db*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(databaseFiles);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        databaseFiles.ForEach(File.Delete);

        await using var restarted = await TestAgent.StartAsync(dataDirectory);
        var replay = (await TestAgent.CollectAsync(restarted.Client.CreateSnapshot(request)))[^1].Job;

        Assert.Equal(JobState.Completed, replay.State);
        Assert.Equal(snapshotId, Assert.Single(replay.Result.SnapshotIds));
        Assert.Equal(snapshotId, Assert.Single((await restarted.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots).Id);
    }
}
