using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace HvFleet.Deploy.Tests.Kubernetes;

/// <summary>
/// No schema validator (kubeconform, kubeval) is on our registries, so every document is parsed
/// and its required fields and cross-references are checked here.
/// </summary>
public sealed class ManifestTests
{
    private static readonly string[] ApiVersions = ["v1", "apps/v1", "kustomize.config.k8s.io/v1beta1"];

    private readonly ManifestSet _set = ManifestSet.Load(RepositoryPaths.Deploy("kubernetes"));

    private YamlMappingNode PodSpec => _set.Single("Deployment").Root.Map("spec").Map("template").Map("spec");

    private YamlMappingNode Container => PodSpec.Items("containers").Single();

    [Fact]
    public void Manifests_EveryDocument_HasApiVersionKindAndName()
    {
        Assert.Equal(
            ["ConfigMap", "Deployment", "Kustomization", "Namespace", "PersistentVolumeClaim", "Secret", "Service"],
            _set.Manifests.Select(m => m.Kind).Order(StringComparer.Ordinal));
        foreach (var manifest in _set.Manifests.Where(m => m.Kind != "Kustomization"))
        {
            Assert.Contains(manifest.Root.Scalar("apiVersion"), ApiVersions);
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", manifest.Name);
            if (manifest.Kind != "Namespace")
            {
                Assert.Equal("hvfleet", manifest.Root.Map("metadata").Scalar("namespace"));
            }
        }
    }

    [Fact]
    public void Kustomization_Resources_AreEveryManifestButTheSecretTemplate()
    {
        var kustomization = _set.Single("Kustomization");
        var files = _set.Manifests.Where(m => m.Kind is not ("Kustomization" or "Secret")).Select(m => m.File).Order(StringComparer.Ordinal);

        Assert.Equal(files, kustomization.Root.Scalars("resources").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Deployment_Selector_MatchesThePodLabelsAndTheService()
    {
        var deployment = _set.Single("Deployment").Root.Map("spec");
        var podLabels = deployment.Map("template").Map("metadata").Map("labels");
        var selector = deployment.Map("selector").Map("matchLabels");
        var serviceSelector = _set.Single("Service").Root.Map("spec").Map("selector");

        foreach (var labels in new[] { selector, serviceSelector })
        {
            Assert.NotEmpty(labels.Children);
            Assert.All(labels.Children, l => Assert.Equal(((YamlScalarNode)l.Value).Value, podLabels.Scalar(((YamlScalarNode)l.Key).Value!)));
        }

        // One writer for the SQLite store, and the old pod gone before the new one mounts the volume.
        Assert.Equal("1", deployment.Scalar("replicas"));
        Assert.Equal("Recreate", deployment.Map("strategy").Scalar("type"));
    }

    [Fact]
    public void Container_ImageAndPorts_AreSetAndTheServiceTargetsANamedPort()
    {
        Assert.Matches(@"^[\w./-]+:[\w.-]+$", Container.Scalar("image"));
        var ports = Container.Items("ports").ToDictionary(p => p.Scalar("name"), p => p.Scalar("containerPort"));
        Assert.Equal(["grpc", "health"], ports.Keys.Order(StringComparer.Ordinal));

        foreach (var servicePort in _set.Single("Service").Root.Map("spec").Items("ports"))
        {
            Assert.True(ports.ContainsKey(servicePort.Scalar("targetPort")), "Service targets a port the container names");
        }
    }

    [Theory]
    [InlineData("startupProbe")]
    [InlineData("readinessProbe")]
    [InlineData("livenessProbe")]
    public void Container_Probes_UseGrpcHealthOnTheHealthPort(string probe)
    {
        var grpc = Container.Map(probe).Map("grpc");
        var healthPort = Container.Items("ports").Single(p => p.Scalar("name") == "health").Scalar("containerPort");

        Assert.Equal(healthPort, grpc.Scalar("port"));
        Assert.Contains("--health-listen", Container.Scalars("args"));
        var listen = Container.Scalars("args").SkipWhile(a => a != "--health-listen").Skip(1).First();
        Assert.EndsWith(":" + healthPort, listen, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_VolumeMounts_MatchDeclaredVolumesAndTheirSources()
    {
        var volumes = PodSpec.Items("volumes").ToDictionary(v => v.Scalar("name"));
        var mounts = Container.Items("volumeMounts").ToList();

        Assert.Equal(volumes.Keys.Order(StringComparer.Ordinal), mounts.Select(m => m.Scalar("name")).Order(StringComparer.Ordinal));
        foreach (var volume in volumes.Values)
        {
            if (volume.Has("persistentVolumeClaim"))
            {
                Assert.NotNull(_set.Find("PersistentVolumeClaim", volume.Map("persistentVolumeClaim").Scalar("claimName")));
            }

            if (volume.Has("configMap"))
            {
                Assert.NotNull(_set.Find("ConfigMap", volume.Map("configMap").Scalar("name")));
            }

            if (volume.Has("secret"))
            {
                Assert.NotNull(_set.Find("Secret", volume.Map("secret").Scalar("secretName")));
            }
        }
    }

    [Fact]
    public void Container_Args_PointIntoTheMountedVolumesAndFiles()
    {
        var args = Container.Scalars("args").ToList();
        string Flag(string name) => args[args.IndexOf(name) + 1];
        string MountOf(string volume) => Container.Items("volumeMounts").Single(m => m.Scalar("name") == volume).Scalar("mountPath");

        Assert.Equal(MountOf("data"), Flag("--data-dir"));
        var inventory = _set.Single("ConfigMap").Root.Map("data");
        Assert.Equal(MountOf("inventory") + "/" + Path.GetFileName(Flag("--inventory")), Flag("--inventory"));
        Assert.True(inventory.Has(Path.GetFileName(Flag("--inventory"))), "the inventory file is a key of the ConfigMap");

        var secret = _set.Single("Secret").Root.Map("stringData");
        foreach (var flag in new[] { "--tls-cert", "--tls-key", "--client-ca", "--agents-ca", "--client-cert", "--client-key" })
        {
            Assert.Equal(MountOf("tls"), Path.GetDirectoryName(Flag(flag)));
            Assert.True(secret.Has(Path.GetFileName(Flag(flag))), $"{flag} names a key of the Secret");
        }
    }

    [Fact]
    public void Container_SecurityContext_IsNonRootReadOnlyWithoutCapabilities()
    {
        var pod = PodSpec.Map("securityContext");
        var container = Container.Map("securityContext");

        Assert.Equal("true", pod.Scalar("runAsNonRoot"));
        Assert.True(int.Parse(pod.Scalar("runAsUser"), CultureInfo.InvariantCulture) > 0);
        Assert.Equal("false", container.Scalar("allowPrivilegeEscalation"));
        Assert.Equal("true", container.Scalar("readOnlyRootFilesystem"));
        Assert.Equal(["ALL"], container.Map("capabilities").Scalars("drop"));
        Assert.Equal("false", PodSpec.Scalar("automountServiceAccountToken"));
    }

    [Fact]
    public void ConfigMap_Inventory_ParsesWithHostsHavingNameAndAddress()
    {
        var text = _set.Single("ConfigMap").Root.Map("data").Scalar("inventory.yaml");
        var stream = new YamlStream();
        stream.Load(new StringReader(text));

        var hosts = ((YamlMappingNode)stream.Documents[0].RootNode).Items("hosts").ToList();

        Assert.NotEmpty(hosts);
        Assert.All(hosts, h => Assert.Matches(@"^[\w.-]+:\d+$", h.Scalar("address")));
        Assert.Equal(hosts.Count, hosts.Select(h => h.Scalar("name")).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void PersistentVolumeClaim_IsReadWriteOnceWithAStorageRequest()
    {
        var spec = _set.Single("PersistentVolumeClaim").Root.Map("spec");

        Assert.Equal(["ReadWriteOnce"], spec.Scalars("accessModes"));
        Assert.Matches(@"^\d+(Mi|Gi)$", spec.Map("resources").Map("requests").Scalar("storage"));
    }
}
