using System.IO.Compression;

namespace HvFleet.Rpc.Protocol;

/// <summary>"deflate" message compression: the zlib format, as C-core uses it.</summary>
public sealed class DeflateCompressionProvider : ICompressionProvider
{
    public string EncodingName => GrpcProtocol.DeflateEncoding;

    public Stream CreateCompressionStream(Stream output, CompressionLevel? level) =>
        new ZLibStream(output, level ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream input) => new ZLibStream(input, CompressionMode.Decompress, leaveOpen: true);
}
