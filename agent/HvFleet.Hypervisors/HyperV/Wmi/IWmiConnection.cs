namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>
/// The few WMI operations the Hyper-V backend needs, against one namespace
/// (normally <c>root\virtualization\v2</c>). Production wraps System.Management; tests use an
/// in-memory emulator. Calls are synchronous because classic WMI is; they are short, and the
/// long waits (jobs) happen in the backend with an injected <see cref="TimeProvider"/>.
/// Failures are <see cref="WmiException"/>s.
/// </summary>
internal interface IWmiConnection
{
    /// <summary>Runs a WQL <c>SELECT</c> and returns the matching instances.</summary>
    IReadOnlyList<IWmiObject> Query(string wql);

    /// <summary>Binds an object by path (full <c>__PATH</c> or <c>__RELPATH</c>); null when it does not exist.</summary>
    IWmiObject? GetObject(string path);

    /// <summary>
    /// The objects associated with <paramref name="path"/> (WQL <c>ASSOCIATORS OF</c>, or
    /// <c>ManagementObject.GetRelated</c>). Null filters match everything.
    /// </summary>
    /// <param name="path">The source object's path.</param>
    /// <param name="associationClass">AssocClass: the association to follow.</param>
    /// <param name="resultClass">ResultClass: the class (or a subclass) of the objects returned.</param>
    /// <param name="role">Role: the source object's role in the association.</param>
    /// <param name="resultRole">ResultRole: the returned objects' role in the association.</param>
    IReadOnlyList<IWmiObject> GetRelated(string path, string? associationClass, string? resultClass, string? role, string? resultRole);

    /// <summary>An empty in-parameters object for a method of the object (or class) at <paramref name="path"/>.</summary>
    IWmiObject GetMethodParameters(string path, string methodName);

    /// <summary>Invokes a method and returns its out-parameters (including <c>ReturnValue</c>).</summary>
    IWmiObject InvokeMethod(string path, string methodName, IWmiObject? inParameters);

    /// <summary>A new client-side instance of a class, for use as an embedded instance.</summary>
    IWmiObject CreateInstance(string className);
}
