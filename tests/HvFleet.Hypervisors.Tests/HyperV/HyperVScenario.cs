using HvFleet.Hypervisors.HyperV;
using HvFleet.Hypervisors.HyperV.Wmi;
using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>Shared steps of the dedicated Hyper-V tests: a sample host, a backend, ids by name, recorded calls.</summary>
public abstract class HyperVScenario : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private protected HyperVScenario()
    {
        Host = new HyperVTestHost();
        Backend = Host.CreateHypervisor();
    }

    private protected HyperVTestHost Host { get; }

    private protected HyperVWmiEmulator Emulator => Host.Emulator;

    private protected HyperVHypervisor Backend { get; }

    protected CancellationToken Timeout => _timeout.Token;

    public void Dispose()
    {
        Host.Dispose();
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string VmId(string name) => (string)Emulator.Query($"SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '{name}'").Single()["Name"]!;

    protected string GroupId(string name) => (string)Emulator.Query($"SELECT * FROM Msvm_VirtualSystemCollection WHERE ElementName = '{name}'").Single()["CollectionID"]!;

    protected async Task<string> SnapshotGroupAsync(string group, SnapshotKind kind = SnapshotKind.Standard) =>
        Assert.Single((await Backend.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.Collection(GroupId(group)), kind, null), new RecordingObserver(), Timeout)).SnapshotIds);

    protected async Task<string> SnapshotVmAsync(string vm, SnapshotKind kind = SnapshotKind.Standard, ConsistencyLevel consistency = ConsistencyLevel.Default) =>
        Assert.Single((await Backend.CreateSnapshotAsync(new SnapshotRequest(SnapshotTarget.VirtualMachines([VmId(vm)]), kind, null, consistency), new RecordingObserver(), Timeout)).SnapshotIds);

    protected Task<OperationResult> ExportAsync(string snapshotId, ExportOptions options) =>
        Backend.ExportSnapshotAsync(new ExportRequest(snapshotId, Path.Combine(Host.NewExportRoot(), "export"), options, false), new RecordingObserver(), Timeout);

    /// <summary>The in-parameters of the last call of a method that the emulator received.</summary>
    private protected MethodInvocation LastCall(string className, string method) =>
        Emulator.Invocations.Last(i => i.ClassName == className && i.Method == method);

    /// <summary>An embedded-instance parameter of a recorded call, parsed back.</summary>
    private protected Dictionary<string, object?> Embedded(MethodInvocation call, string parameter, string expectedClass)
    {
        var (className, values, error) = CimXml.Parse(Emulator.Schema, (string)call.In[parameter]!);
        Assert.Null(error);
        Assert.Equal(expectedClass, className);
        return values;
    }

    /// <summary>Calls a service method on the emulator directly, as a careless client would.</summary>
    private protected uint CallDirectly(string serviceClass, string method, Action<IWmiObject> fill)
    {
        var service = Emulator.Query("SELECT * FROM " + serviceClass).Single().Path!;
        var input = Emulator.GetMethodParameters(service, method);
        fill(input);
        return (uint)Emulator.InvokeMethod(service, method, input)["ReturnValue"]!;
    }

    private protected string SnapshotPath(string snapshotId) =>
        Emulator.Query($"SELECT * FROM Msvm_SnapshotCollection WHERE CollectionID = '{snapshotId}'").SingleOrDefault()?.Path
        ?? Emulator.Query($"SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID = 'Microsoft:{snapshotId}'").Single().Path!;
}
