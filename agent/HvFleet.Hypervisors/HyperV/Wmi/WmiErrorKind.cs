namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>WMI infrastructure errors the backend tells apart (WBEM_E_* codes).</summary>
internal enum WmiErrorKind
{
    /// <summary>Anything else (WBEM_E_FAILED and friends).</summary>
    Failed = 0,

    /// <summary>WBEM_E_NOT_FOUND: the object, or a property or parameter name, does not exist.</summary>
    NotFound = 1,

    /// <summary>WBEM_E_INVALID_CLASS: no such class in the namespace.</summary>
    InvalidClass = 2,

    /// <summary>WBEM_E_INVALID_QUERY: malformed WQL.</summary>
    InvalidQuery = 3,

    /// <summary>WBEM_E_TYPE_MISMATCH: a value that does not fit the property's CIM type.</summary>
    TypeMismatch = 4,

    /// <summary>WBEM_E_INVALID_NAMESPACE: the namespace is absent (no Hyper-V on the host).</summary>
    InvalidNamespace = 5,

    /// <summary>WBEM_E_ACCESS_DENIED: the account lacks Hyper-V Administrators rights.</summary>
    AccessDenied = 6,

    /// <summary>WBEM_E_INVALID_METHOD or WBEM_E_INVALID_METHOD_PARAMETERS.</summary>
    InvalidMethod = 7,
}
