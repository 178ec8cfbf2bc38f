using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using HvFleet.Security.Hosting;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>Parses and validates an inventory (YAML or JSON). Every problem is reported at once, each naming the entry.</summary>
public static class InventoryParser
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A misspelt key is an error, not silently ignored (same as YAML).
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads a file; the format follows the extension (.json, else YAML).</summary>
    public static async Task<IReadOnlyList<FleetHost>> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InventoryException(path, [$"cannot read the file: {ex.Message}"], ex);
        }

        bool json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        return Parse(text, json ? InventoryFormat.Json : InventoryFormat.Yaml, path);
    }

    public static IReadOnlyList<FleetHost> Parse(string text, InventoryFormat format, string source = "(text)")
    {
        InventoryFile? file;
        try
        {
            file = format == InventoryFormat.Json ? ParseJson(text) : ParseYaml(text);
        }
        catch (JsonException ex)
        {
            throw new InventoryException(source, [$"not valid JSON at line {(ex.LineNumber ?? 0) + 1}: {ex.Message}"], ex);
        }
        catch (YamlException ex)
        {
            throw new InventoryException(source, [$"not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}"], ex);
        }

        if (file?.Hosts is null)
        {
            throw new InventoryException(source, ["the top-level 'hosts' list is missing"]);
        }

        var errors = new List<string>();
        var hosts = new List<FleetHost>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < file.Hosts.Count; i++)
        {
            var entry = file.Hosts[i];
            string where = $"hosts[{i}]";
            if (entry is null)
            {
                errors.Add($"{where}: empty entry");
                continue;
            }

            string name = entry.Name?.Trim() ?? "";
            if (name.Length > 0)
            {
                where = $"hosts[{i}] ('{name}')";
            }

            int before = errors.Count;
            if (name.Length == 0)
            {
                errors.Add($"{where}: 'name' is required");
            }
            else if (!IsValidName(name))
            {
                errors.Add($"{where}: 'name' may contain only letters, digits, '.', '-' and '_' (at most 253 characters)");
            }
            else if (seen.TryGetValue(name, out int first))
            {
                errors.Add($"{where}: duplicate name (first defined at hosts[{first}])");
            }
            else
            {
                seen[name] = i;
            }

            string address = entry.Address?.Trim() ?? "";
            if (address.Length == 0)
            {
                errors.Add($"{where}: 'address' is required (host:port or unix:/PATH)");
            }
            else if (AddressError(address) is { } addressError)
            {
                errors.Add($"{where}: 'address' '{address}' {addressError}");
            }

            foreach (var (key, value) in entry.Labels ?? [])
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    errors.Add($"{where}: label keys must not be empty");
                }
                else if (value is null)
                {
                    errors.Add($"{where}: label '{key}' has no value");
                }
            }

            if (errors.Count == before)
            {
                hosts.Add(new FleetHost
                {
                    Name = name,
                    Address = address,
                    Labels = new Dictionary<string, string>(entry.Labels ?? [], StringComparer.Ordinal),
                    StorageKey = entry.StorageKey?.Trim() ?? "",
                    TlsIdentity = entry.TlsIdentity?.Trim() ?? "",
                });
            }
        }

        if (errors.Count > 0)
        {
            throw new InventoryException(source, errors);
        }

        return hosts;
    }

    /// <summary>Null when <paramref name="address"/> is a usable agent endpoint, else what is wrong with it.</summary>
    public static string? AddressError(string address)
    {
        if (HvFleet.Security.Unix.UnixSocketAddress.IsUnix(address))
        {
            // An agent on this machine, reached over its owner-only unix socket (plaintext, as the orchestrator's uid).
            return HvFleet.Security.Unix.UnixSocketAddress.TryParse(address, out _, out var unixError) ? null : $"is not a usable unix socket: {unixError}";
        }

        if (address.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                return "is not an http:// or https:// URL";
            }

            return uri.AbsolutePath == "/" && uri.Query.Length == 0 ? null : "must not carry a path or query";
        }

        return HostPort.TryParse(address, HostPortOptions.Remote, out _, out var error) ? null : error;
    }

    private static bool IsValidName(string name) =>
        name.Length <= 253 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static InventoryFile? ParseJson(string text) => JsonSerializer.Deserialize<InventoryFile>(text, JsonOptions);

    private static InventoryFile? ParseYaml(string text)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .Build();
        return deserializer.Deserialize<InventoryFile?>(text);
    }
}
