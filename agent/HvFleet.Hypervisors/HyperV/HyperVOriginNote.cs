using System.Text.Json;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// Keeps a checkpoint's <see cref="SnapshotOrigin"/> in the Notes (string[]) of its
/// Msvm_VirtualSystemSettingData, as one element <c>hvfleet-origin:{json}</c>. Other notes are kept.
/// Notes, unlike ElementName (at most 100 characters, shown to users as the checkpoint's name), hold a
/// request id of any length. That Hyper-V keeps Notes set on a checkpoint through ModifySystemSettings
/// is an inference from the VSSD class (Notes is a property of every VSSD), not verified on a host.
/// </summary>
internal static class HyperVOriginNote
{
    public const string NotesProperty = "Notes";

    private const string Prefix = "hvfleet-origin:";

    /// <summary>The origin recorded in <paramref name="settings"/>, or null (none, unreadable, or a host without Notes).</summary>
    public static SnapshotOrigin? Read(IWmiObject settings)
    {
        IReadOnlyList<string> notes;
        try
        {
            notes = WmiValues.ToStrings(settings[NotesProperty]);
        }
        catch (WmiException ex) when (ex.Kind == WmiErrorKind.NotFound)
        {
            return null;
        }

        foreach (var note in notes)
        {
            if (note.StartsWith(Prefix, StringComparison.Ordinal))
            {
                try
                {
                    var origin = JsonSerializer.Deserialize<SnapshotOrigin>(note.AsSpan(Prefix.Length));
                    if (origin is { JobId: not null } or { RequestId: not null })
                    {
                        return origin;
                    }
                }
                catch (JsonException)
                {
                    // Not ours after all (or damaged): the checkpoint carries no usable identity.
                }
            }
        }

        return null;
    }

    /// <summary>Sets <paramref name="origin"/> in <paramref name="settings"/>' Notes, replacing an earlier origin (one inherited from the VM, say).</summary>
    public static void Write(IWmiObject settings, SnapshotOrigin origin)
    {
        var kept = WmiValues.ToStrings(settings[NotesProperty]).Where(n => !n.StartsWith(Prefix, StringComparison.Ordinal));
        settings[NotesProperty] = kept.Append(Prefix + JsonSerializer.Serialize(origin)).ToArray();
    }
}
