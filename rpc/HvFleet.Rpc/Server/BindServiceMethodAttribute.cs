using System.Diagnostics.CodeAnalysis;

namespace HvFleet.Rpc.Server;

/// <summary>
/// Placed on a service base class: names the static method <c>BindService(ServiceBinderBase, TBase)</c>
/// that binds an implementation's handlers.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class BindServiceMethodAttribute(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type bindType,
    string bindMethodName) : Attribute
{
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)]
    public Type BindType { get; } = bindType;

    public string BindMethodName { get; } = bindMethodName;
}
