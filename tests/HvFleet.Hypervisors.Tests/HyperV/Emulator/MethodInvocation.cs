namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>A method call the emulator received, with its in-parameters, out-parameters and return value.</summary>
internal sealed record MethodInvocation(string ClassName, string Method, IReadOnlyDictionary<string, object?> In, IReadOnlyDictionary<string, object?> Out, uint ReturnValue, string? Error);
