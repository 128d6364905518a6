// A tiny HTTP server on 127.0.0.1 for fetcher tests: serves byte arrays by path, answers 404 for
// unknown paths, and can cut a response off mid-body (declared length, fewer bytes, then abort).
using System.Net;
using System.Net.Sockets;

namespace VaeGpu.Tests.Data;

internal sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<string, byte[]?> content;
    private readonly Func<string, int?> cutOffAfter;
    private readonly Task loop;

    public LocalHttpServer(Func<string, byte[]?> content, Func<string, int?>? cutOffAfter = null)
    {
        this.content = content;
        this.cutOffAfter = cutOffAfter ?? (_ => null);
        int port = FreePort();
        Url = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        loop = Task.Run(Serve);
    }

    public string Url { get; }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with an exception when the listener closes; that is its normal end.
        }
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        string path = context.Request.Url?.AbsolutePath ?? "/";
        HttpListenerResponse response = context.Response;
        try
        {
            int? cut = cutOffAfter(path);
            if (cut is not null)
            {
                response.ContentLength64 = cut.Value * 2L;
                response.OutputStream.Write(new byte[cut.Value]);
                response.OutputStream.Flush();
                response.Abort();
                return;
            }
            byte[]? body = content(path);
            if (body is null)
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
