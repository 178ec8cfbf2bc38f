using HvFleet.Agent.Jobs;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var options = new JobOptions();

        Assert.True(new JobOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal((2, 2, 64, 16), (options.MaxConcurrentSnapshots, options.MaxConcurrentExports, options.MaxQueuedJobs, options.WatcherBufferCapacity));
        Assert.Equal(TimeSpan.FromSeconds(20), options.DrainGracePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ProgressPersistInterval);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryFailureAtOnce()
    {
        var options = new JobOptions
        {
            MaxConcurrentSnapshots = 0,
            MaxConcurrentExports = -1,
            MaxQueuedJobs = 0,
            WatcherBufferCapacity = 0,
            ProgressPersistInterval = TimeSpan.FromSeconds(-1),
            DrainGracePeriod = TimeSpan.FromHours(2),
        };

        var result = new JobOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(6, failures.Count);
        foreach (var name in new[] { "MaxConcurrentSnapshots", "MaxConcurrentExports", "MaxQueuedJobs", "WatcherBufferCapacity", "ProgressPersistInterval", "DrainGracePeriod" })
        {
            Assert.Contains(failures, f => f.Contains("Jobs:" + name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_StoreWithRelativeDirectory_IsRefused()
    {
        var result = new SqliteJobStoreOptionsValidator().Validate(null, new SqliteJobStoreOptions { DataDirectory = "data" });

        Assert.Contains("absolute", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
