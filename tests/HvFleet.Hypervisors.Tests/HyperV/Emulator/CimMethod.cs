namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>An emulated method's signature: in-parameters and out-parameters (ReturnValue included).</summary>
internal sealed record CimMethod(string ClassName, string Name, IReadOnlyDictionary<string, CimProperty> In, IReadOnlyDictionary<string, CimProperty> Out);
