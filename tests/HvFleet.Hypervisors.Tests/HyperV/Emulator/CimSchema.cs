namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>
/// The part of root\virtualization\v2 the emulator models, with the property and parameter names and
/// CIM types of reference hyperv-wmi.md §1–§5 (types as in the [MOF]). A name that is not here does
/// not exist, as on a real host: setting it fails.
/// </summary>
internal sealed class CimSchema
{
    private const string Managed = "InstanceID:string Caption:string Description:string ElementName:string";

    private readonly Dictionary<string, CimClass> _classes = new(StringComparer.OrdinalIgnoreCase);

    private CimSchema()
    {
    }

    public static CimSchema HyperV { get; } = Build();

    public CimClass? Find(string name) => _classes.GetValueOrDefault(name);

    public bool IsA(string className, string ancestor)
    {
        for (var current = Find(className); current is not null; current = current.BaseName is null ? null : Find(current.BaseName))
        {
            if (string.Equals(current.Name, ancestor, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static CimSchema Build()
    {
        var s = new CimSchema();
        s.Class("CIM_ManagedElement", null, string.Empty, Managed);
        s.Class("CIM_ComputerSystem", "CIM_ManagedElement", "CreationClassName Name", "CreationClassName:string Name:string EnabledState:uint16 RequestedState:uint16 HealthState:uint16 OnTimeInMilliseconds:uint32");
        s.Class("Msvm_ComputerSystem", "CIM_ComputerSystem", "CreationClassName Name", "ProcessID:uint32");
        s.Class("CIM_Collection", "CIM_ManagedElement", string.Empty, string.Empty);
        s.Class("CIM_CollectionOfMSEs", "CIM_Collection", "CollectionID", "CollectionID:string");
        s.Class("Msvm_VirtualSystemCollection", "CIM_CollectionOfMSEs", "CollectionID", "ReplicationState:uint16 ReplicationMode:uint16");
        s.Class("Msvm_ManagementCollection", "CIM_CollectionOfMSEs", "CollectionID", string.Empty);
        s.Class("Msvm_SnapshotCollection", "CIM_Collection", "CollectionID", "CollectionID:string");
        s.Class("Msvm_ReferencePointCollection", "CIM_Collection", "CollectionID VirtualSystemCollectionId", "CollectionID:string VirtualSystemCollectionId:string ReferencePointType:uint16 ConsistencyLevel:uint16");
        s.Class("CIM_SettingData", "CIM_ManagedElement", "InstanceID", string.Empty);
        s.Class("CIM_VirtualSystemSettingData", "CIM_SettingData", "InstanceID", "VirtualSystemIdentifier:string VirtualSystemType:string CreationTime:datetime");
        s.Class("Msvm_VirtualSystemSettingData", "CIM_VirtualSystemSettingData", "InstanceID", "Parent:string IsSaved:boolean ConfigurationID:string UserSnapshotType:uint16 IsAutomaticSnapshot:boolean Notes:string[]");
        s.Class("Msvm_VirtualSystemSnapshotSettingData", "CIM_SettingData", "InstanceID", "ConsistencyLevel:uint8 IgnoreNonSnapshottableDisks:boolean GuestBackupType:uint8");
        s.Class("Msvm_CollectionSnapshotExportSettingData", "CIM_SettingData", "InstanceID", "CopyVmStorage:boolean DifferentialBackupBase:string BackupIntent:uint16");
        s.Class(
            "Msvm_VirtualSystemExportSettingData",
            "CIM_SettingData",
            "InstanceID",
            "CopySnapshotConfiguration:uint8 SnapshotVirtualSystem:string CopyVmRuntimeInformation:boolean CopyVmStorage:boolean "
            + "CreateVmExportSubdirectory:boolean CaptureLiveState:uint8 BackupIntent:uint8 DifferentialBackupBase:string "
            + "ExportForLiveMigration:boolean DisableDifferentialOfIgnoredStorage:boolean ExcludedVirtualHardDisks:string[]");
        s.Class("Msvm_Error", null, string.Empty, "Message:string MessageID:string MessageArguments:string[] ErrorSource:string ErrorType:uint16 PerceivedSeverity:uint16 CIMStatusCode:uint32 OwningEntity:string");

        s.Class(
            "CIM_ConcreteJob",
            "CIM_ManagedElement",
            "InstanceID",
            "JobState:uint16 PercentComplete:uint16 ErrorCode:uint16 ErrorDescription:string ErrorSummaryDescription:string JobStatus:string "
            + "ElapsedTime:datetime StartTime:datetime TimeSubmitted:datetime TimeOfLastStateChange:datetime TimeBeforeRemoval:datetime "
            + "DeleteOnCompletion:boolean Owner:string");
        s.Class("Msvm_ConcreteJob", "CIM_ConcreteJob", "InstanceID", "Cancellable:boolean JobType:uint16");
        s.Method("Msvm_ConcreteJob", "GetError", string.Empty, "Error:string");
        s.Method("Msvm_ConcreteJob", "GetErrorEx", string.Empty, "Errors:string[]");
        s.Method("Msvm_ConcreteJob", "RequestStateChange", "RequestedState:uint16 TimeoutPeriod:datetime", string.Empty);

        const string ServiceKeys = "CreationClassName Name SystemCreationClassName SystemName";
        const string ServiceProps = "CreationClassName:string Name:string SystemCreationClassName:string SystemName:string EnabledState:uint16";
        s.Class("CIM_Service", "CIM_ManagedElement", ServiceKeys, ServiceProps);
        s.Class("Msvm_CollectionSnapshotService", "CIM_Service", ServiceKeys, string.Empty);
        s.Method("Msvm_CollectionSnapshotService", "CreateSnapshot", "Collection:ref SnapshotSettings:string SnapshotType:uint16 ResultingSnapshotCollection:ref", "ResultingSnapshotCollection:ref Job:ref");
        s.Method("Msvm_CollectionSnapshotService", "ExportSnapshot", "SnapshotCollection:ref ExportDirectory:string ExportSettingData:string", "Job:ref");
        s.Method("Msvm_CollectionSnapshotService", "DestroySnapshot", "AffectedSnapshotCollection:ref", "Job:ref");
        s.Method("Msvm_CollectionSnapshotService", "ApplySnapshot", "SnapshotCollection:ref", "Job:ref");
        s.Method("Msvm_CollectionSnapshotService", "ConvertToReferencePoint", "AffectedSnapshotCollection:ref ResultingReferencePointCollection:ref", "ResultingReferencePointCollection:ref Job:ref");
        s.Class("Msvm_VirtualSystemSnapshotService", "CIM_Service", ServiceKeys, string.Empty);
        s.Method("Msvm_VirtualSystemSnapshotService", "CreateSnapshot", "AffectedSystem:ref SnapshotSettings:string SnapshotType:uint16 ResultingSnapshot:ref", "ResultingSnapshot:ref Job:ref");
        s.Method("Msvm_VirtualSystemSnapshotService", "DestroySnapshot", "AffectedSnapshot:ref", "Job:ref");
        s.Method("Msvm_VirtualSystemSnapshotService", "ApplySnapshot", "Snapshot:ref", "Job:ref");
        s.Class("Msvm_VirtualSystemManagementService", "CIM_Service", ServiceKeys, string.Empty);
        s.Method("Msvm_VirtualSystemManagementService", "ExportSystemDefinition", "ComputerSystem:ref ExportDirectory:string ExportSettingData:string", "Job:ref");
        s.Method("Msvm_VirtualSystemManagementService", "ModifySystemSettings", "SystemSettings:string", "Job:ref");
        s.Method("Msvm_VirtualSystemManagementService", "FormatError", "Errors:string[]", "ErrorMessage:string");
        s.Class("Msvm_CollectionManagementService", "CIM_Service", ServiceKeys, string.Empty);

        s.Association("Msvm_CollectedVirtualSystems", "Collection", "Member");
        s.Association("Msvm_CollectedCollections", "Collection", "Member");
        s.Association("Msvm_SnapshotOfVirtualSystemCollection", "Antecedent", "Dependent");
        s.Association("Msvm_CollectedSnapshots", "Collection", "Member");
        s.Association("Msvm_SnapshotOfVirtualSystem", "Antecedent", "Dependent");
        s.Association("Msvm_MostCurrentSnapshotInBranch", "Antecedent", "Dependent");
        s.Association("Msvm_SettingsDefineState", "ManagedElement", "SettingData");
        s.Association("Msvm_SystemExportSettingData", "ManagedElement", "SettingData");
        s.Association("Msvm_AffectedJobElement", "AffectingElement", "AffectedElement", "ElementEffects:uint16[]");
        return s;
    }

    private static Dictionary<string, CimProperty> Parse(string spec)
    {
        var result = new Dictionary<string, CimProperty>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in spec.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, type) = (item[..item.IndexOf(':', StringComparison.Ordinal)], item[(item.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            var isArray = type.EndsWith("[]", StringComparison.Ordinal);
            result[name] = new CimProperty(name, CimProperty.ParseType(isArray ? type[..^2] : type), isArray);
        }

        return result;
    }

    private void Class(string name, string? baseName, string keys, string properties)
    {
        var all = new Dictionary<string, CimProperty>(StringComparer.OrdinalIgnoreCase);
        if (baseName is not null)
        {
            foreach (var inherited in _classes[baseName].Properties)
            {
                all[inherited.Key] = inherited.Value;
            }
        }

        foreach (var own in Parse(properties))
        {
            all[own.Key] = own.Value;
        }

        var cimClass = new CimClass(name, baseName, keys.Split(' ', StringSplitOptions.RemoveEmptyEntries), all);
        if (baseName is not null)
        {
            foreach (var method in _classes[baseName].Methods)
            {
                cimClass.Methods[method.Key] = method.Value;
            }
        }

        _classes[name] = cimClass;
    }

    private void Method(string className, string name, string inParameters, string outParameters)
    {
        var outs = Parse(outParameters);
        outs["ReturnValue"] = new CimProperty("ReturnValue", CimType.UInt32, false);
        _classes[className].Methods[name] = new CimMethod(className, name, Parse(inParameters), outs);
    }

    private void Association(string name, string firstRole, string secondRole, string extra = "")
    {
        var properties = Parse($"{firstRole}:ref {secondRole}:ref {extra}");
        _classes[name] = new CimClass(name, null, [firstRole, secondRole], properties) { Roles = (firstRole, secondRole) };
    }
}
