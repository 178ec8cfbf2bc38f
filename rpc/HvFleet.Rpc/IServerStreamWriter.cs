namespace HvFleet.Rpc;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}
