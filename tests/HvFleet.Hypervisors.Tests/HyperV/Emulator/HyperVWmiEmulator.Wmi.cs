using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

internal sealed partial class HyperVWmiEmulator
{
    public IReadOnlyList<IWmiObject> Query(string wql)
    {
        var match = SelectPattern().Match(wql);
        if (!match.Success)
        {
            throw new WmiException(WmiErrorKind.InvalidQuery, $"Invalid query: {wql}");
        }

        var className = match.Groups["class"].Value;
        var cimClass = Find(className) ?? throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {className}");
        var conditions = new List<(string Property, string Value)>();
        if (match.Groups["where"].Success)
        {
            foreach (var condition in AndPattern().Split(match.Groups["where"].Value))
            {
                var parts = ConditionPattern().Match(condition);
                if (!parts.Success || cimClass.Property(parts.Groups["prop"].Value) is null)
                {
                    throw new WmiException(WmiErrorKind.InvalidQuery, $"Invalid query: {wql} (condition '{condition}')");
                }

                conditions.Add((parts.Groups["prop"].Value, Unquote(parts.Groups["value"].Value)));
            }
        }

        lock (_lock)
        {
            Pump();
            return [.. _instances.Values
                .Where(i => Schema.IsA(i.Class.Name, cimClass.Name))
                .Where(i => conditions.All(c => string.Equals(Format(i.Values.GetValueOrDefault(c.Property)), c.Value, StringComparison.OrdinalIgnoreCase)))
                .Select(Bind)];
        }
    }

    public IWmiObject? GetObject(string path)
    {
        lock (_lock)
        {
            Pump();
            return Stored(path) is { } stored ? Bind(stored) : null;
        }
    }

    public IReadOnlyList<IWmiObject> GetRelated(string path, string? associationClass, string? resultClass, string? role, string? resultRole)
    {
        if (associationClass is not null && Find(associationClass)?.Roles is null)
        {
            throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {associationClass} is not an association.");
        }

        if (resultClass is not null && Find(resultClass) is null)
        {
            throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {resultClass}");
        }

        lock (_lock)
        {
            Pump();
            var source = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            var results = new List<IWmiObject>();
            foreach (var association in _associations)
            {
                if (associationClass is not null && !string.Equals(association.ClassName, associationClass, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var (sourceRole, sourceKey, otherRole, otherKey) in association.Ends())
                {
                    if (sourceKey != source.Key
                        || (role is not null && !string.Equals(role, sourceRole, StringComparison.OrdinalIgnoreCase))
                        || (resultRole is not null && !string.Equals(resultRole, otherRole, StringComparison.OrdinalIgnoreCase))
                        || !_instances.TryGetValue(otherKey, out var other)
                        || (resultClass is not null && !Schema.IsA(other.Class.Name, resultClass)))
                    {
                        continue;
                    }

                    results.Add(Bind(other));
                }
            }

            return results;
        }
    }

    public IWmiObject GetMethodParameters(string path, string methodName)
    {
        lock (_lock)
        {
            var target = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            var method = target.Class.Methods.GetValueOrDefault(methodName)
                ?? throw new WmiException(WmiErrorKind.InvalidMethod, $"Invalid method: {target.Class.Name}.{methodName}");
            return EmulatedObject.Parameters(method, output: false);
        }
    }

    public IWmiObject CreateInstance(string className)
    {
        var cimClass = Find(className) ?? throw new WmiException(WmiErrorKind.InvalidClass, $"Invalid class: {className}");
        return EmulatedObject.ClientInstance(cimClass);
    }

    public IWmiObject InvokeMethod(string path, string methodName, IWmiObject? inParameters)
    {
        lock (_lock)
        {
            Pump();
            var target = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            var method = target.Class.Methods.GetValueOrDefault(methodName)
                ?? throw new WmiException(WmiErrorKind.InvalidMethod, $"Invalid method: {target.Class.Name}.{methodName}");
            Dictionary<string, object?> input;
            if (inParameters is null)
            {
                input = new(StringComparer.OrdinalIgnoreCase);
            }
            else if (inParameters is EmulatedObject { Method: { } made } parameters && made == method)
            {
                input = new(parameters.Values, StringComparer.OrdinalIgnoreCase);
            }
            else
            {
                throw new WmiException(WmiErrorKind.InvalidMethod, $"Invalid method parameters: not made for {target.Class.Name}.{methodName}.");
            }

            var output = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var call = new Call(target, method, input, output);
            uint returnValue;
            if (_failures.TryGetValue(methodName, out var failures) && failures.Count > 0)
            {
                returnValue = failures.Dequeue();
                call.Error = "injected failure";
            }
            else
            {
                returnValue = Dispatch(call);
            }

            output["ReturnValue"] = returnValue;
            _invocations.Add(new MethodInvocation(target.Class.Name, method.Name, input, new Dictionary<string, object?>(output, StringComparer.OrdinalIgnoreCase), returnValue, call.Error));
            return EmulatedObject.Parameters(method, output: true, output);
        }
    }

    /// <summary>A class of this host's namespace; null when it does not exist here.</summary>
    private CimClass? Find(string className) => _absentClasses.Contains(className) ? null : Schema.Find(className);

    private uint Dispatch(Call call) => (call.Target.Class.Name, call.Method.Name) switch
    {
        ("Msvm_CollectionSnapshotService", "CreateSnapshot") => CreateCollectionSnapshot(call),
        ("Msvm_CollectionSnapshotService", "ExportSnapshot") => ExportCollectionSnapshot(call),
        ("Msvm_CollectionSnapshotService", "DestroySnapshot") => DestroyCollectionSnapshot(call),
        ("Msvm_VirtualSystemSnapshotService", "CreateSnapshot") => CreateVmSnapshot(call),
        ("Msvm_VirtualSystemSnapshotService", "DestroySnapshot") => DestroyVmSnapshot(call),
        ("Msvm_VirtualSystemManagementService", "ExportSystemDefinition") => ExportSystemDefinition(call),
        ("Msvm_VirtualSystemManagementService", "ModifySystemSettings") => ModifySystemSettings(call),
        ("Msvm_ConcreteJob", "GetErrorEx") => GetErrorEx(call),
        ("Msvm_ConcreteJob", "GetError") => GetError(call),
        ("Msvm_ConcreteJob", "RequestStateChange") => RequestJobStateChange(call),
        _ => call.Fail(call.Method.ClassName.StartsWith("Msvm_VirtualSystemManagement", StringComparison.Ordinal) ? 32770u : 1u, "not emulated"),
    };
}
