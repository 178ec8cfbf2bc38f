using Grpc.Reflection.V1;
using HvFleet.Rpc.Server;

namespace HvFleet.Rpc.Reflection;

/// <summary>
/// Server reflection. One implementation serves both grpc.reflection.v1 and v1alpha: their
/// messages are identical on the wire, so the v1alpha path is bound with the v1 message types.
/// </summary>
internal sealed class ReflectionService(RpcServiceRegistry registry) : ServerReflection.ServerReflectionBase
{
    private readonly ReflectionCore _core = new(registry);

    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream, IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        var sent = new HashSet<string>(StringComparer.Ordinal);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var request = requestStream.Current;
            var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
            switch (request.MessageRequestCase)
            {
                case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                    response.ListServicesResponse = new ListServiceResponse();
                    foreach (var name in _core.ListServices())
                    {
                        response.ListServicesResponse.Service.Add(new ServiceResponse { Name = name });
                    }

                    break;
                case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                    SetFile(response, _core.FindFileContainingSymbol(request.FileContainingSymbol), "Symbol not found: " + request.FileContainingSymbol, sent);
                    break;
                case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                    SetFile(response, _core.FindFileByName(request.FileByFilename), "File not found: " + request.FileByFilename, sent);
                    break;
                case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                    // proto3 services here declare no extensions: an empty list for a known type.
                    if (_core.FindFileContainingSymbol(request.AllExtensionNumbersOfType) is null)
                    {
                        SetError(response, StatusCode.NotFound, "Type not found: " + request.AllExtensionNumbersOfType);
                    }
                    else
                    {
                        response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                    }

                    break;
                case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                    SetError(response, StatusCode.NotFound, "Extension not found.");
                    break;
                default:
                    SetError(response, StatusCode.Unimplemented, "Request type not supported: " + request.MessageRequestCase);
                    break;
            }

            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    private static void SetFile(ServerReflectionResponse response, Google.Protobuf.Reflection.FileDescriptor? file, string notFound, HashSet<string> sent)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        response.FileDescriptorResponse = new FileDescriptorResponse();

        // The requested file always goes out, even if this stream sent it before.
        sent.Remove(file.Name);
        response.FileDescriptorResponse.FileDescriptorProto.AddRange(ReflectionCore.WithDependencies(file, sent));
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };

    /// <summary>The v1alpha method, bound with the (wire-identical) v1 messages.</summary>
    internal static readonly Method<ServerReflectionRequest, ServerReflectionResponse> V1AlphaMethod = new(
        MethodType.DuplexStreaming,
        Grpc.Reflection.V1Alpha.ServerReflection.ServiceName,
        "ServerReflectionInfo",
        ServerReflectionRequest.Parser,
        ServerReflectionResponse.Parser);
}
