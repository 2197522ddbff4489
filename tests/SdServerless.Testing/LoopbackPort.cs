using System.Net;
using System.Net.Sockets;

namespace SdServerless.Testing;

/// <summary>
/// A loopback port chosen before anything listens on it, for what must be told its port in advance: a child process
/// (moto_server, the local host, the emulator) takes it on its command line, and a test that first finds a receiver
/// down starts it later on the same port. A server this process starts and can ask
/// for its address binds port 0 instead (<see cref="LoopbackHttpServer"/>), so no other process can take the port in
/// between.
/// <para>
/// The ports come from below Linux's ephemeral range (32768–60999), which the kernel draws from for every port-0 bind
/// and outgoing connection: a port handed out here is not given to another test's server or client while the child
/// process starts. Each is handed out once per process (a counter from a random start, so that two test processes
/// rarely meet) and only if it can be bound at that moment.
/// </para>
/// </summary>
public static class LoopbackPort
{
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A loopback port that was free a moment ago and that no port-0 bind will be given.</summary>
    public static int Next()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by someone else: the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{First + Count - 1}");
    }
}
