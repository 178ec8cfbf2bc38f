using System.Text.Json.Serialization;

namespace HvFleet.Agent.Jobs;

/// <summary>Source-generated JSON for job payloads and the store's list columns.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(JobPayload))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class JobJsonContext : JsonSerializerContext;
