using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Security.Authorization;

namespace HvFleet.Security.Tests.Authorization;

public sealed class FleetRolesTests
{
    [Theory]
    [InlineData("/hvfleet.agent.v1.HostAgent/GetHostInfo", FleetRole.Viewer)]
    [InlineData("/hvfleet.agent.v1.HostAgent/WatchJob", FleetRole.Viewer)]
    [InlineData("/hvfleet.agent.v1.HostAgent/CreateSnapshot", FleetRole.Operator)]
    [InlineData("/hvfleet.agent.v1.HostAgent/CancelJob", FleetRole.Operator)]
    [InlineData("/hvfleet.agent.v1.HostAgent/DeleteSnapshot", FleetRole.Admin)]
    [InlineData("/hvfleet.orchestrator.v1.Fleet/ListHosts", FleetRole.Viewer)]
    [InlineData("/hvfleet.orchestrator.v1.Fleet/RetryOperation", FleetRole.Operator)]
    [InlineData("/grpc.health.v1.Health/Watch", FleetRole.Viewer)]
    [InlineData("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", FleetRole.Viewer)]
    [InlineData("/hvfleet.agent.v1.HostAgent/SomethingNew", FleetRole.Admin)]
    [InlineData("/other.Service/Method", FleetRole.Admin)]
    public void RequiredRole_Method_IsFromTheTableOrAdmin(string method, FleetRole expected) =>
        Assert.Equal(expected, new MethodRoles().RequiredRole(method));

    [Fact]
    public void FromCertificate_TwoDifferentRoles_IsNoRole()
    {
        using var certificate = SelfSigned("hvfleet:role:viewer", "hvfleet:role:admin");
        Assert.Null(FleetRoles.FromCertificate(certificate));
    }

    [Fact]
    public void FromCertificate_NoRoleUri_IsNoRole()
    {
        using var certificate = SelfSigned("https://example.test/");
        Assert.Null(FleetRoles.FromCertificate(certificate));
    }

    [Fact]
    public void FromCertificate_OneRole_IsThatRole()
    {
        using var certificate = SelfSigned("https://example.test/", "hvfleet:role:admin");
        Assert.Equal(FleetRole.Admin, FleetRoles.FromCertificate(certificate));
    }

    private static X509Certificate2 SelfSigned(params string[] uris)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var uri in uris)
        {
            san.AddUri(new Uri(uri));
        }

        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
