using System.IO.Compression;

namespace HvFleet.Rpc.Protocol;

/// <summary>gzip message compression.</summary>
public sealed class GzipCompressionProvider : ICompressionProvider
{
    public string EncodingName => GrpcProtocol.GzipEncoding;

    public Stream CreateCompressionStream(Stream output, CompressionLevel? level) =>
        new GZipStream(output, level ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream input) => new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
}
