using System.IO.Pipelines;
using System.Buffers.Binary;
using Google.Protobuf;

namespace HvFleet.Interop.Bench;

/// <summary>
/// The benchmark's floor: bench.v1.Echo/Unary answered straight on Kestrel, without grpc-dotnet
/// (no deadline, metadata, compression, limits or status handling beyond grpc-status 0). It
/// shows how much of the server's cost is Kestrel itself. Only mapped with --bench-stats; not a
/// gRPC implementation.
/// </summary>
internal static class KestrelFloor
{
    public const string Path = "/bench.floor/Unary";

    public static async Task HandleAsync(HttpContext http)
    {
        var reader = http.Request.BodyReader;
        ReadResult result;
        while (true)
        {
            result = await reader.ReadAsync(http.RequestAborted);
            if (result.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        var request = EchoRequest.Parser.ParseFrom(result.Buffer.Slice(5));
        reader.AdvanceTo(result.Buffer.End);

        var reply = new EchoReply { Payload = ByteString.CopyFrom(new byte[request.ResponseSize]) };
        var size = reply.CalculateSize();
        http.Response.ContentType = "application/grpc";
        var writer = http.Response.BodyWriter;
        var header = writer.GetSpan(5);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        writer.Advance(5);
        reply.WriteTo(writer);
        http.Response.AppendTrailer("grpc-status", "0");
    }
}
