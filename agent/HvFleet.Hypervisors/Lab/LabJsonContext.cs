using System.Text.Json.Serialization;
using HvFleet.Hypervisors.Lab.Export;
using HvFleet.Hypervisors.Lab.State;

namespace HvFleet.Hypervisors.Lab;

/// <summary>Source-generated JSON for the lab's state file, export manifest and configurations.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LabHostState))]
[JsonSerializable(typeof(LabExportManifest))]
[JsonSerializable(typeof(LabVmConfiguration))]
internal sealed partial class LabJsonContext : JsonSerializerContext;
