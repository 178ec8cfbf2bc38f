namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>
/// An <see cref="IWmiConnection"/> that connects on first use, so that a host without Hyper-V
/// fails on the first call with a clear error rather than when the backend is built. A failed
/// connect is tried again on the next call.
/// </summary>
internal sealed class LazyWmiConnection : IWmiConnection
{
    private readonly IWmiConnectionFactory _factory;
    private readonly Lock _connectLock = new();
    private IWmiConnection? _connection;

    public LazyWmiConnection(IWmiConnectionFactory factory)
    {
        _factory = factory;
    }

    private IWmiConnection Connection
    {
        get
        {
            lock (_connectLock)
            {
                return _connection ??= _factory.Connect();
            }
        }
    }

    public IReadOnlyList<IWmiObject> Query(string wql) => Connection.Query(wql);

    public IWmiObject? GetObject(string path) => Connection.GetObject(path);

    public IReadOnlyList<IWmiObject> GetRelated(string path, string? associationClass, string? resultClass, string? role, string? resultRole) =>
        Connection.GetRelated(path, associationClass, resultClass, role, resultRole);

    public IWmiObject GetMethodParameters(string path, string methodName) => Connection.GetMethodParameters(path, methodName);

    public IWmiObject InvokeMethod(string path, string methodName, IWmiObject? inParameters) => Connection.InvokeMethod(path, methodName, inParameters);

    public IWmiObject CreateInstance(string className) => Connection.CreateInstance(className);
}
