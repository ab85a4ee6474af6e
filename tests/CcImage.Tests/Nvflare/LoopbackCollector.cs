// A TCP listener on the host's loopback that keeps whatever arrives on any connection it accepts: the far end of a QEMU
// guestfwd (QEMU connects to it when it starts and passes on what the guest sends to the forwarded address), so a test
// sees what a hardened guest — which has no login and no console output of its own site — could send out.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CcImage.Tests.Nvflare;

internal sealed class LoopbackCollector : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly StringBuilder _received = new();
    private readonly List<TcpClient> _clients = [];
    private readonly CancellationTokenSource _stop = new();

    public LoopbackCollector()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Everything received so far, from every connection.</summary>
    public string Received
    {
        get { lock (_received) return _received.ToString(); }
    }

    /// <summary>Waits until a received line contains <paramref name="text"/>; returns that line, or null on timeout.</summary>
    public string? WaitForLine(string text, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string? line = Received.Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line != null)
                return line;
            Thread.Sleep(200);
        }
        return null;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                lock (_clients)
                    _clients.Add(client);
                _ = ReadAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ReadAsync(TcpClient client)
    {
        var buffer = new byte[4096];
        try
        {
            var stream = client.GetStream();
            int n;
            while ((n = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false)) > 0)
                lock (_received)
                    _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
            foreach (var client in _clients)
                client.Dispose();
        _listener.Dispose();
        _stop.Dispose();
    }
}
