using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HvFleet.Agent.Service;

/// <summary>
/// Tells whether the Service Control Manager started this process. The method (the same one
/// Microsoft.Extensions.Hosting.WindowsServices uses): on Windows, the process runs in session 0
/// (services' session; no interactive logon has it since Vista) and its parent process is
/// <c>services.exe</c>, the SCM itself. Anything else (a console, a scheduled task, a test
/// runner, Linux) runs the agent as a console application. A false positive is harmless:
/// StartServiceCtrlDispatcherW then fails with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT and the
/// agent falls back to the console.
/// </summary>
internal static partial class ServiceLaunch
{
    /// <summary>The decision itself, from the facts gathered by <see cref="IsStartedByServiceControlManager()"/>.</summary>
    public static bool IsStartedByServiceControlManager(bool isWindows, int sessionId, string? parentProcessName) =>
        isWindows && sessionId == 0 &&
        string.Equals(parentProcessName, "services", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this process was started by the SCM.</summary>
    public static bool IsStartedByServiceControlManager()
    {
        if (!OperatingSystem.IsWindows())
        {
            return false;
        }

        using var current = Process.GetCurrentProcess();
        return IsStartedByServiceControlManager(isWindows: true, current.SessionId, ParentProcessName(current));
    }

    private static string? ParentProcessName(Process current)
    {
        try
        {
            var parentId = NativeMethods.ParentProcessId(current.SafeHandle);
            if (parentId is null)
            {
                return null;
            }

            using var parent = Process.GetProcessById(parentId.Value);

            // A recycled id could name an unrelated, younger process; the real parent started first.
            return parent.StartTime <= current.StartTime ? parent.ProcessName : null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static partial class NativeMethods
    {
        public static int? ParentProcessId(Microsoft.Win32.SafeHandles.SafeProcessHandle process)
        {
            var info = default(ProcessBasicInformation);
            var status = NtQueryInformationProcess(process, 0, ref info, Marshal.SizeOf<ProcessBasicInformation>(), out _);
            return status == 0 ? (int)info.InheritedFromUniqueProcessId : null;
        }

        // ProcessBasicInformation (class 0): documented layout of PROCESS_BASIC_INFORMATION.
        [StructLayout(LayoutKind.Sequential)]
        private struct ProcessBasicInformation
        {
            public nint ExitStatus;
            public nint PebBaseAddress;
            public nint AffinityMask;
            public nint BasePriority;
            public nint UniqueProcessId;
            public nint InheritedFromUniqueProcessId;
        }

        [LibraryImport("ntdll.dll")]
        private static partial int NtQueryInformationProcess(
            Microsoft.Win32.SafeHandles.SafeProcessHandle processHandle,
            int processInformationClass,
            ref ProcessBasicInformation processInformation,
            int processInformationLength,
            out int returnLength);
    }
}
