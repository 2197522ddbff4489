using System.Net;
using System.Net.Sockets;

namespace SdServerless.Testing;

/// <summary>
/// A loopback port chosen before anything listens on it, for what must be told its port in advance: a child process
/// (moto_server, the local host, the emulator) takes it on its command line, HttpListener cannot bind port 0, and a
/// test that first finds a receiver down starts it later on the same port. A server this process starts and can ask
/// for its address binds port 0 instead (<see cref="LoopbackHttpServer"/>), so no other process can take the port in
/// between.
/// </summary>
public static class LoopbackPort
{
    /// <summary>A loopback port that was free a moment ago (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
