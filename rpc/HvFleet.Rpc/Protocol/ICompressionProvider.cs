using System.IO.Compression;

namespace HvFleet.Rpc.Protocol;

/// <summary>A message compression algorithm (<c>grpc-encoding</c>).</summary>
public interface ICompressionProvider
{
    /// <summary>The encoding name, e.g. "gzip".</summary>
    string EncodingName { get; }

    Stream CreateCompressionStream(Stream output, CompressionLevel? level);

    Stream CreateDecompressionStream(Stream input);
}
