using System.Globalization;
using HvFleet.Hypervisors;
using Grpc.Core;

namespace HvFleet.Agent.Api;

/// <summary>
/// Turns hypervisor failures found before a job exists into gRPC statuses, keeping Hyper-V's
/// numeric code in the message and in the <c>hvfleet-hyperv-code</c> trailer.
/// </summary>
internal static class HypervisorStatus
{
    public const string HyperVCodeTrailer = "hvfleet-hyperv-code";

    public static RpcException ToRpcException(HypervisorException ex)
    {
        var code = ex.Kind switch
        {
            HypervisorErrorKind.NotFound => StatusCode.NotFound,
            HypervisorErrorKind.InvalidState or HypervisorErrorKind.InUse => StatusCode.FailedPrecondition,
            HypervisorErrorKind.InvalidParameter => StatusCode.InvalidArgument,
            HypervisorErrorKind.AccessDenied => StatusCode.PermissionDenied,
            HypervisorErrorKind.NotSupported => StatusCode.Unimplemented,
            HypervisorErrorKind.Timeout => StatusCode.DeadlineExceeded,
            HypervisorErrorKind.AlreadyExists => StatusCode.AlreadyExists,
            HypervisorErrorKind.NoSpace => StatusCode.ResourceExhausted,
            _ => StatusCode.Internal,
        };
        var trailers = new Metadata { { HyperVCodeTrailer, ex.HyperVCode.ToString(CultureInfo.InvariantCulture) } };
        return new RpcException(new Status(code, $"{ex.Description} (Hyper-V {ex.HyperVCode}: {ex.Summary})"), trailers);
    }

    public static RpcException Precondition(uint hyperVCode, HyperVCodeFamily family, string message) =>
        new(new Status(StatusCode.FailedPrecondition, $"{message} (Hyper-V {hyperVCode}: {HyperVCodes.Describe(hyperVCode, family)})"),
            new Metadata { { HyperVCodeTrailer, hyperVCode.ToString(CultureInfo.InvariantCulture) } });
}
