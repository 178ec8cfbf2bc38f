using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HvFleet.Security.Authorization;

/// <summary>
/// Roles travel in certificates as a subject-alternative-name URI <c>hvfleet:role:NAME</c>
/// (viewer, operator, admin).
/// </summary>
public static class FleetRoles
{
    /// <summary>The URI prefix of a role SAN.</summary>
    public const string UriPrefix = "hvfleet:role:";

    /// <summary>The role names accepted on the command line, lowest first.</summary>
    public static readonly IReadOnlyList<string> Names = ["viewer", "operator", "admin"];

    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>The role's lower-case name (viewer, operator, admin).</summary>
    public static string ToName(FleetRole role) => role switch
    {
        FleetRole.Viewer => "viewer",
        FleetRole.Operator => "operator",
        FleetRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    /// <summary>The SAN URI that carries the role, e.g. <c>hvfleet:role:operator</c>.</summary>
    public static string ToUri(FleetRole role) => UriPrefix + ToName(role);

    /// <summary>Parses a role name (case-insensitive).</summary>
    public static bool TryParse(string? name, out FleetRole role)
    {
        role = default;
        switch (name?.Trim().ToLowerInvariant())
        {
            case "viewer":
                role = FleetRole.Viewer;
                return true;
            case "operator":
                role = FleetRole.Operator;
                return true;
            case "admin":
                role = FleetRole.Admin;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The role in the certificate's SAN URIs; null when there is none, or when the certificate
    /// names different roles (ambiguous certificates get nothing rather than the larger role).
    /// </summary>
    public static FleetRole? FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        FleetRole? found = null;
        foreach (var uri in GetSubjectAltNameUris(certificate))
        {
            if (!uri.StartsWith(UriPrefix, StringComparison.OrdinalIgnoreCase) || !TryParse(uri[UriPrefix.Length..], out var role))
            {
                continue;
            }

            if (found is { } previous && previous != role)
            {
                return null;
            }

            found = role;
        }

        return found;
    }

    /// <summary>The uniformResourceIdentifier entries of the certificate's SAN extension.</summary>
    public static IReadOnlyList<string> GetSubjectAltNameUris(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions[SubjectAltNameOid];
        if (extension is null)
        {
            return [];
        }

        return TryReadUris(extension.RawData, out var uris) ? uris : [];
    }

    private static bool TryReadUris(byte[] rawData, [NotNullWhen(true)] out List<string>? uris)
    {
        uris = [];
        try
        {
            // GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier is [6] IA5String (RFC 5280 §4.2.1.6).
            var reader = new AsnReader(rawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(uriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            uris = null;
            return false;
        }
        catch (CryptographicException)
        {
            uris = null;
            return false;
        }
    }
}
