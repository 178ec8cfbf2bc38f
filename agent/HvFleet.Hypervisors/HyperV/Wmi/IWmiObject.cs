namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>
/// A WMI object: a bound instance, a client-side instance, or a method's parameters.
/// Values have the CLR types System.Management uses for the CIM types (uint16 → <see cref="ushort"/>,
/// uint32 → <see cref="uint"/>, boolean → <see cref="bool"/>, datetime and REF → <see cref="string"/>).
/// </summary>
internal interface IWmiObject
{
    /// <summary>The class name (<c>__CLASS</c>).</summary>
    string ClassName { get; }

    /// <summary>The full object path (<c>__PATH</c>); null for client-side instances and parameters.</summary>
    string? Path { get; }

    /// <summary>The path relative to the namespace (<c>__RELPATH</c>); null when not bound.</summary>
    string? RelativePath { get; }

    /// <summary>Gets or sets a property. An unknown property name throws a <see cref="WmiException"/> (NotFound).</summary>
    object? this[string propertyName] { get; set; }

    /// <summary>The object as embedded-instance text: CIM-XML, <c>GetText(TextFormat.CimDtd20)</c>.</summary>
    string GetEmbeddedText();

    /// <summary>Re-reads a bound object (a WMI object is an offline copy). Throws NotFound when it is gone.</summary>
    void Refresh();
}
