using System.Net.Sockets;

namespace SdServerless.IntegrationTests.Infrastructure;

/// <summary>Ports handed to child processes in advance must not be the ones port-0 binds are given meanwhile.</summary>
[Trait("Category", "Integration")]
public sealed class LoopbackPortTests
{
    [Fact]
    public void PortsAreFreeDistinctAndOutsideTheEphemeralRange()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => LoopbackPort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 1024, 32767));
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }
}
