using HvFleet.Rpc.Protocol;
using Microsoft.AspNetCore.Http;

namespace HvFleet.Rpc.Server;

/// <summary>
/// Routes gRPC requests by exact, case-sensitive <c>:path</c>. Unknown methods with a gRPC
/// content type get Trailers-Only UNIMPLEMENTED; a known method with another content type
/// gets HTTP 415 (plus grpc-status 13, as grpc-dotnet does); HTTP/1.x gets 426.
/// </summary>
internal sealed class RpcDispatchMiddleware(RequestDelegate next, RpcServiceRegistry registry)
{
    public Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value;
        var isGrpc = GrpcProtocol.IsGrpcContentType(request.ContentType);
        if (path is not null && registry.TryGetHandler(path, out var handler))
        {
            if (!isGrpc)
            {
                http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                http.Response.Headers[GrpcProtocol.StatusHeader] = "13";
                http.Response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode($"Content-Type '{request.ContentType}' is not supported.");
                return Task.CompletedTask;
            }

            if (!HttpMethods.IsPost(request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return Task.CompletedTask;
            }

            if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
            {
                http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                http.Response.Headers.Upgrade = "h2";
                return Task.CompletedTask;
            }

            return handler.HandleCallAsync(http);
        }

        if (isGrpc && path is not null && HttpMethods.IsPost(request.Method))
        {
            return Unimplemented(http, path);
        }

        return next(http);
    }

    private Task Unimplemented(HttpContext http, string path)
    {
        var slash = path.IndexOf('/', 1);
        var service = slash > 1 ? path[1..slash] : path.TrimStart('/');
        var message = registry.IsKnownService(service) ? "Method is unimplemented." : "Service is unimplemented.";
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.StatusHeader] = "12";
        http.Response.Headers[GrpcProtocol.MessageHeader] = message;
        return Task.CompletedTask;
    }
}
