using YamlDotNet.RepresentationModel;

namespace HvFleet.Deploy.Tests.Kubernetes;

/// <summary>Navigation that fails with the missing key named.</summary>
internal static class YamlNodeExtensions
{
    public static YamlNode Child(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new KeyNotFoundException($"'{key}' is missing (line {node.Start.Line})");

    public static bool Has(this YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    public static YamlMappingNode Map(this YamlMappingNode node, string key) => (YamlMappingNode)node.Child(key);

    public static IEnumerable<YamlMappingNode> Items(this YamlMappingNode node, string key) =>
        node.Has(key) ? ((YamlSequenceNode)node.Child(key)).Children.Cast<YamlMappingNode>() : [];

    public static string Scalar(this YamlMappingNode node, string key) => ((YamlScalarNode)node.Child(key)).Value ?? "";

    public static IEnumerable<string> Scalars(this YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Child(key)).Children.Select(c => ((YamlScalarNode)c).Value ?? "");
}
