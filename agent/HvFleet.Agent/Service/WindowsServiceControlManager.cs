using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace HvFleet.Agent.Service;

/// <summary>
/// <see cref="IServiceControlManager"/> over advapi32: StartServiceCtrlDispatcherW,
/// RegisterServiceCtrlHandlerExW and SetServiceStatus, for a SERVICE_WIN32_OWN_PROCESS service.
/// One instance per process (the SCM's callbacks carry no managed state, so they find it in a static).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe partial class WindowsServiceControlManager : IServiceControlManager
{
    private const int ServiceWin32OwnProcess = 0x10;
    private const int ErrorFailedServiceControllerConnect = 1063;

    private static WindowsServiceControlManager? _instance;

    private Action? _serviceMain;
    private Func<ServiceControl, int>? _handler;
    private nint _statusHandle;

    public bool RunDispatcher(string serviceName, Action serviceMain)
    {
        if (Interlocked.CompareExchange(ref _instance, this, null) is not null)
        {
            throw new InvalidOperationException("A process runs one service dispatcher.");
        }

        _serviceMain = serviceMain;
        fixed (char* name = serviceName)
        {
            // The table ends with an all-null entry. StartServiceCtrlDispatcherW returns only when
            // the service has stopped, so the pinned name outlives every use.
            var table = stackalloc ServiceTableEntry[2];
            table[0] = new ServiceTableEntry { ServiceName = name, ServiceProc = &ServiceMainThunk };
            table[1] = default;
            if (StartServiceCtrlDispatcherW(table) != 0)
            {
                return true;
            }
        }

        var error = Marshal.GetLastPInvokeError();
        _instance = null;
        return error == ErrorFailedServiceControllerConnect ? false : throw new Win32Exception(error);
    }

    public void RegisterControlHandler(string serviceName, Func<ServiceControl, int> handler)
    {
        _handler = handler;
        _statusHandle = RegisterServiceCtrlHandlerExW(serviceName, &HandlerThunk, null);
        if (_statusHandle == 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
    }

    public void SetStatus(ServiceStatusReport status)
    {
        var native = new NativeServiceStatus
        {
            ServiceType = ServiceWin32OwnProcess,
            CurrentState = (int)status.State,
            ControlsAccepted = (int)status.ControlsAccepted,
            Win32ExitCode = status.Win32ExitCode,
            ServiceSpecificExitCode = status.ServiceSpecificExitCode,
            CheckPoint = status.CheckPoint,
            WaitHint = (int)Math.Clamp(status.WaitHint.TotalMilliseconds, 0, int.MaxValue),
        };
        if (SetServiceStatus(_statusHandle, &native) == 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
    }

    [UnmanagedCallersOnly]
    private static void ServiceMainThunk(int argc, char** argv) => _instance?._serviceMain?.Invoke();

    [UnmanagedCallersOnly]
    private static int HandlerThunk(int control, int eventType, void* eventData, void* context)
    {
        var handler = _instance?._handler;
        if (handler is null)
        {
            return ServiceRunner.ErrorCallNotImplemented;
        }

        try
        {
            return handler((ServiceControl)control);
        }
#pragma warning disable CA1031 // An exception must not cross back into the SCM's native thread.
        catch (Exception)
#pragma warning restore CA1031
        {
            return ServiceRunner.ErrorCallNotImplemented;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ServiceTableEntry
    {
        public char* ServiceName;
        public delegate* unmanaged<int, char**, void> ServiceProc;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeServiceStatus
    {
        public int ServiceType;
        public int CurrentState;
        public int ControlsAccepted;
        public int Win32ExitCode;
        public int ServiceSpecificExitCode;
        public int CheckPoint;
        public int WaitHint;
    }

    [LibraryImport("advapi32.dll", SetLastError = true)]
    private static partial int StartServiceCtrlDispatcherW(ServiceTableEntry* serviceTable);

    [LibraryImport("advapi32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    private static partial nint RegisterServiceCtrlHandlerExW(string serviceName, delegate* unmanaged<int, int, void*, void*, int> handler, void* context);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    private static partial int SetServiceStatus(nint statusHandle, NativeServiceStatus* status);
}
