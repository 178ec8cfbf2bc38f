using YamlDotNet.RepresentationModel;

namespace HvFleet.Deploy.Tests.Kubernetes;

/// <summary>Every YAML document of deploy/kubernetes, parsed with YamlDotNet.</summary>
internal sealed class ManifestSet
{
    private ManifestSet(IReadOnlyList<Manifest> manifests) => Manifests = manifests;

    public IReadOnlyList<Manifest> Manifests { get; }

    public sealed record Manifest(string File, YamlMappingNode Root)
    {
        public string Kind => Root.Scalar("kind");

        public string Name => Root.Map("metadata").Scalar("name");
    }

    public static ManifestSet Load(string directory)
    {
        var manifests = new List<Manifest>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            foreach (var document in stream.Documents)
            {
                manifests.Add(new Manifest(Path.GetFileName(file), (YamlMappingNode)document.RootNode));
            }
        }

        return new ManifestSet(manifests);
    }

    public Manifest Single(string kind) => Manifests.Single(m => m.Kind == kind);

    public Manifest? Find(string kind, string name) => Manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name);
}
