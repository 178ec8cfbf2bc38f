namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>A method call the emulator received, with its in-parameters and return value.</summary>
internal sealed record MethodInvocation(string ClassName, string Method, IReadOnlyDictionary<string, object?> In, uint ReturnValue, string? Error);
