using System.Management;
using System.Runtime.Versioning;

namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>An <see cref="IWmiObject"/> over a System.Management object.</summary>
[SupportedOSPlatform("windows")]
internal sealed class ManagementWmiObject : IWmiObject
{
    public ManagementWmiObject(ManagementBaseObject inner)
    {
        Inner = inner;
    }

    public ManagementBaseObject Inner { get; }

    public string ClassName => (string)Inner["__CLASS"];

    public string? Path => Inner["__PATH"] as string is { Length: > 0 } path ? path : null;

    public string? RelativePath => Inner["__RELPATH"] as string is { Length: > 0 } path ? path : null;

    public object? this[string propertyName]
    {
        get
        {
            try
            {
                return Inner[propertyName];
            }
            catch (ManagementException ex)
            {
                throw Translate(ex);
            }
        }

        set
        {
            try
            {
                Inner[propertyName] = value;
            }
            catch (ManagementException ex)
            {
                throw Translate(ex);
            }
        }
    }

    public string GetEmbeddedText() => Inner.GetText(TextFormat.CimDtd20);

    public void Refresh()
    {
        if (Inner is not ManagementObject bound)
        {
            throw new InvalidOperationException("Only bound instances can be refreshed.");
        }

        try
        {
            bound.Get();
        }
        catch (ManagementException ex)
        {
            throw Translate(ex);
        }
    }

    public static WmiException Translate(ManagementException ex)
    {
        var kind = ex.ErrorCode switch
        {
            ManagementStatus.NotFound => WmiErrorKind.NotFound,
            ManagementStatus.InvalidClass => WmiErrorKind.InvalidClass,
            ManagementStatus.InvalidQuery or ManagementStatus.InvalidQueryType => WmiErrorKind.InvalidQuery,
            ManagementStatus.TypeMismatch => WmiErrorKind.TypeMismatch,
            ManagementStatus.InvalidNamespace => WmiErrorKind.InvalidNamespace,
            ManagementStatus.AccessDenied => WmiErrorKind.AccessDenied,
            ManagementStatus.InvalidMethod or ManagementStatus.InvalidMethodParameters => WmiErrorKind.InvalidMethod,
            _ => WmiErrorKind.Failed,
        };
        return new WmiException(kind, $"WMI: {ex.Message} ({ex.ErrorCode})", ex);
    }
}
