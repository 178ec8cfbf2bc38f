using HvFleet.Agent.Service;

namespace HvFleet.Agent.Tests.Service;

public sealed class ServiceLaunchTests
{
    [Theory]
    [InlineData(true, 0, "services", true)]
    [InlineData(true, 0, "SERVICES", true)]
    [InlineData(true, 1, "services", false)] // an interactive session
    [InlineData(true, 0, "cmd", false)] // session 0 but started by something else (psexec -s, a task)
    [InlineData(true, 0, null, false)] // parent unknown or gone
    [InlineData(false, 0, "services", false)] // never off Windows
    public void IsStartedByServiceControlManager_Facts_Decides(bool isWindows, int sessionId, string? parent, bool expected) =>
        Assert.Equal(expected, ServiceLaunch.IsStartedByServiceControlManager(isWindows, sessionId, parent));

    [Fact]
    public void IsStartedByServiceControlManager_ThisTestProcess_IsNot() =>
        Assert.False(ServiceLaunch.IsStartedByServiceControlManager());
}
