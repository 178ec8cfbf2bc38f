using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>The emulator is strict where Hyper-V is, so that a wrong WMI call fails a test.</summary>
public sealed class HyperVWmiEmulatorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly HyperVWmiEmulator _emulator;

    public HyperVWmiEmulatorTests()
    {
        _emulator = HyperVWmiEmulator.CreateSample(_time);
    }

    [Fact]
    public void Query_UnknownClass_ThrowsInvalidClass() =>
        Assert.Equal(WmiErrorKind.InvalidClass, Assert.Throws<WmiException>(() => _emulator.Query("SELECT * FROM Msvm_CollectionSnapshotServices")).Kind);

    [Fact]
    public void Query_UnknownPropertyInWhere_ThrowsInvalidQuery() =>
        Assert.Equal(WmiErrorKind.InvalidQuery, Assert.Throws<WmiException>(() => _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE VmId = 'x'")).Kind);

    [Fact]
    public void Query_SuperclassName_ReturnsSubclassInstances()
    {
        var systems = _emulator.Query("SELECT * FROM CIM_ComputerSystem");

        Assert.Equal(11, systems.Count);
        Assert.All(systems, s => Assert.Equal("Msvm_ComputerSystem", s.ClassName));
    }

    [Fact]
    public void SetProperty_UnknownName_ThrowsNotFound()
    {
        var settings = _emulator.CreateInstance("Msvm_VirtualSystemSnapshotSettingData");

        Assert.Equal(WmiErrorKind.NotFound, Assert.Throws<WmiException>(() => settings["Consistency"] = 1).Kind);
    }

    [Fact]
    public void SetProperty_ValueOutOfRangeOrWrongType_ThrowsTypeMismatch()
    {
        var settings = _emulator.CreateInstance("Msvm_VirtualSystemExportSettingData");

        Assert.Equal(WmiErrorKind.TypeMismatch, Assert.Throws<WmiException>(() => settings["CopySnapshotConfiguration"] = 256).Kind);
        Assert.Equal(WmiErrorKind.TypeMismatch, Assert.Throws<WmiException>(() => settings["CopyVmStorage"] = "yes").Kind);
        settings["CopySnapshotConfiguration"] = 3;
        Assert.IsType<byte>(settings["CopySnapshotConfiguration"]);
    }

    [Fact]
    public void BoundObject_IsAnOfflineCopyUntilRefreshed()
    {
        var vm = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single();
        vm["ElementName"] = "renamed locally";

        Assert.Equal("web-01", _emulator.GetObject(vm.Path!)!["ElementName"]);
        vm.Refresh();
        Assert.Equal("web-01", vm["ElementName"]);
    }

    [Fact]
    public void GetObject_RelativeOrFullPathWithKeysInAnyOrder_FindsTheSameObject()
    {
        var vm = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single();
        var name = (string)vm["Name"]!;

        Assert.Equal(vm.Path, _emulator.GetObject(vm.RelativePath!)!.Path);
        Assert.Equal(vm.Path, _emulator.GetObject($"Msvm_ComputerSystem.Name=\"{name}\",CreationClassName=\"Msvm_ComputerSystem\"")!.Path);
        Assert.StartsWith(@"\\HV-HOST01\root\virtualization\v2:Msvm_ComputerSystem.", vm.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeMethod_ParametersOfAnotherMethod_ThrowsInvalidMethod()
    {
        var service = _emulator.Query("SELECT * FROM Msvm_CollectionSnapshotService").Single().Path!;
        var parameters = _emulator.GetMethodParameters(service, "DestroySnapshot");

        Assert.Equal(WmiErrorKind.InvalidMethod, Assert.Throws<WmiException>(() => _emulator.InvokeMethod(service, "CreateSnapshot", parameters)).Kind);
        Assert.Equal(WmiErrorKind.NotFound, Assert.Throws<WmiException>(() => parameters["Collection"] = "x").Kind);
    }

    [Theory]
    [InlineData("Msvm_CollectionSnapshotExportSettingData", 4u)]
    [InlineData("", 4u)]
    [InlineData("not xml", 4u)]
    public void CreateSnapshot_WrongOrBrokenEmbeddedSettings_IsInvalidParameter(string settingsClass, uint expected)
    {
        var service = _emulator.Query("SELECT * FROM Msvm_VirtualSystemSnapshotService").Single().Path!;
        var vm = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single().Path!;
        var settings = settingsClass switch
        {
            "" => "<INSTANCE/>",
            "not xml" => "ConsistencyLevel=1",
            _ => _emulator.CreateInstance(settingsClass).GetEmbeddedText(),
        };
        var input = _emulator.GetMethodParameters(service, "CreateSnapshot");
        input["AffectedSystem"] = vm;
        input["SnapshotType"] = 2;
        input["SnapshotSettings"] = settings;

        Assert.Equal(expected, (uint)_emulator.InvokeMethod(service, "CreateSnapshot", input)["ReturnValue"]!);
    }

    [Fact]
    public void ExportSystemDefinition_MissingEmbeddedSettings_IsInvalidParameter32773()
    {
        var service = _emulator.Query("SELECT * FROM Msvm_VirtualSystemManagementService").Single().Path!;
        var input = _emulator.GetMethodParameters(service, "ExportSystemDefinition");
        input["ComputerSystem"] = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single().Path;
        input["ExportDirectory"] = Path.Combine(Path.GetTempPath(), "never-written");

        Assert.Equal(32773u, (uint)_emulator.InvokeMethod(service, "ExportSystemDefinition", input)["ReturnValue"]!);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "never-written")));
    }

    [Fact]
    public void CreateSnapshot_OnTheHost_IsInvalidParameter()
    {
        var service = _emulator.Query("SELECT * FROM Msvm_VirtualSystemSnapshotService").Single().Path!;
        var input = _emulator.GetMethodParameters(service, "CreateSnapshot");
        input["AffectedSystem"] = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Hosting Computer System'").Single().Path;
        input["SnapshotType"] = 2;

        Assert.Equal(4u, (uint)_emulator.InvokeMethod(service, "CreateSnapshot", input)["ReturnValue"]!);
    }

    [Fact]
    public void Job_AdvancesOverTimeLinksItsResultAndVanishesFiveMinutesAfterItEnds()
    {
        var service = _emulator.Query("SELECT * FROM Msvm_VirtualSystemSnapshotService").Single().Path!;
        var input = _emulator.GetMethodParameters(service, "CreateSnapshot");
        input["AffectedSystem"] = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single().Path;
        input["SnapshotType"] = 2;
        var output = _emulator.InvokeMethod(service, "CreateSnapshot", input);
        Assert.Equal(4096u, output["ReturnValue"]);
        Assert.Null(output["ResultingSnapshot"]);
        var job = _emulator.GetObject((string)output["Job"]!)!;

        _time.Advance(TimeSpan.FromSeconds(1));
        job.Refresh();
        Assert.Equal((ushort)4, job["JobState"]);
        Assert.Equal((ushort)50, job["PercentComplete"]);

        _time.Advance(TimeSpan.FromSeconds(1));
        job.Refresh();
        Assert.Equal((ushort)7, job["JobState"]);
        Assert.Equal("00000000000500.000000:000", job["TimeBeforeRemoval"]);
        var created = Assert.Single(_emulator.GetRelated(job.Path!, "Msvm_AffectedJobElement", "Msvm_VirtualSystemSettingData", "AffectingElement", "AffectedElement"));
        Assert.Equal("Microsoft:Hyper-V:Snapshot:Realized", created["VirtualSystemType"]);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        job.Refresh();
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(WmiErrorKind.NotFound, Assert.Throws<WmiException>(job.Refresh).Kind);
    }

    [Fact]
    public void RequestStateChange_WithTimeoutPeriod_Is4098()
    {
        _emulator.PlanNextJob("CreateSnapshot", new JobPlan { Hang = true });
        var service = _emulator.Query("SELECT * FROM Msvm_VirtualSystemSnapshotService").Single().Path!;
        var input = _emulator.GetMethodParameters(service, "CreateSnapshot");
        input["AffectedSystem"] = _emulator.Query("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web-01'").Single().Path;
        input["SnapshotType"] = 2;
        var jobPath = (string)_emulator.InvokeMethod(service, "CreateSnapshot", input)["Job"]!;
        var request = _emulator.GetMethodParameters(jobPath, "RequestStateChange");
        request["RequestedState"] = 4;
        request["TimeoutPeriod"] = "00000000000010.000000:000";

        Assert.Equal(4098u, (uint)_emulator.InvokeMethod(jobPath, "RequestStateChange", request)["ReturnValue"]!);
    }

    [Fact]
    public void Connect_NamespaceAbsent_ThrowsInvalidNamespace()
    {
        _emulator.NamespaceAvailable = false;

        Assert.Equal(WmiErrorKind.InvalidNamespace, Assert.Throws<WmiException>(_emulator.Connect).Kind);
    }
}
