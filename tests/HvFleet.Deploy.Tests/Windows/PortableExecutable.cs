using System.Buffers.Binary;

namespace HvFleet.Deploy.Tests.Windows;

/// <summary>The few PE/COFF header fields that tell a Windows x64 executable (PE format specification).</summary>
internal sealed record PortableExecutable(ushort Machine, ushort Magic, ushort Subsystem, bool IsDll)
{
    public const ushort MachineAmd64 = 0x8664;
    public const ushort MagicPe32Plus = 0x20B;
    public const ushort SubsystemWindowsCui = 3;

    /// <summary>Reads the headers; null when the file is not a PE image.</summary>
    public static PortableExecutable? Read(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[4096];
        var length = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (length < 0x40 || header[0] != (byte)'M' || header[1] != (byte)'Z')
        {
            return null;
        }

        // e_lfanew at 0x3C points at "PE\0\0", followed by the COFF header and the optional header.
        var pe = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(0x3C));
        if (pe < 0x40 || pe + 24 + 70 > length || !header.AsSpan(pe, 4).SequenceEqual("PE\0\0"u8))
        {
            return null;
        }

        var coff = header.AsSpan(pe + 4);
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(coff);
        var characteristics = BinaryPrimitives.ReadUInt16LittleEndian(coff[18..]);
        var optional = header.AsSpan(pe + 24);
        var magic = BinaryPrimitives.ReadUInt16LittleEndian(optional);
        var subsystem = BinaryPrimitives.ReadUInt16LittleEndian(optional[68..]);
        return new PortableExecutable(machine, magic, subsystem, (characteristics & 0x2000) != 0);
    }
}
