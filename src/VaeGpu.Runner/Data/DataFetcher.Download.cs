// HTTPS downloads from the datasets' canonical mirrors. A mirror that cannot be reached (no network,
// DNS failure, connect timeout) is abandoned at its first file, so an offline machine fails in
// seconds. Each file is held in memory, verified (MD5 of the download where published, then the
// content check), and only then written atomically.
using System.Net;
using System.Net.Sockets;

namespace VaeGpu.Runner.Data;

public static partial class DataFetcher
{
    private const int DownloadChunkBytes = 1 << 16;

    private static void TryMirror(FetchState state, string mirror)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = state.Options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = state.Options.DownloadTimeout };
        string baseUrl = mirror.EndsWith('/') ? mirror : mirror + "/";
        foreach (DatasetFile file in state.Needed.ToArray())
        {
            string url = baseUrl + file.FileName;
            if (!TryDownload(state, client, file, url))
            {
                if (state.Needed.Count > 1)
                    state.Tried[^1] += " (its other files were not tried)";
                return;
            }
        }
    }

    // Returns false when the mirror is unreachable, so its remaining files are not tried.
    private static bool TryDownload(FetchState state, HttpClient client, DatasetFile file, string url)
    {
        byte[] stored;
        try
        {
            stored = Download(state, client, file, url);
        }
        catch (HttpRequestException e) when (e.StatusCode is not null)
        {
            state.Tried.Add($"{url}: HTTP {(int)e.StatusCode} {e.StatusCode}");
            return true;
        }
        catch (HttpRequestException e)
        {
            string cause = e.InnerException is SocketException socket ? socket.Message : e.Message;
            state.Tried.Add($"{url}: cannot connect ({cause.TrimEnd('.')}); downloads need network access");
            return false;
        }
        catch (OperationCanceledException)
        {
            state.Tried.Add($"{url}: no answer within {state.Options.ConnectTimeout.TotalSeconds:0} s to "
                + $"connect or {state.Options.DownloadTimeout.TotalSeconds:0} s in all; downloads need "
                + "network access");
            return false;
        }
        catch (IOException e)
        {
            state.Tried.Add($"{url}: download interrupted ({e.Message.TrimEnd('.')})");
            return false;
        }
        string? problem = VerifyDownload(state.Info, file, url, stored);
        if (problem is not null)
        {
            state.Tried.Add(problem);
            return true;
        }
        state.Land(file, stored, url);
        return true;
    }

    private static byte[] Download(FetchState state, HttpClient client, DatasetFile file, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using HttpResponseMessage response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        long? total = response.Content.Headers.ContentLength;
        using Stream body = response.Content.ReadAsStream();
        using var buffer = new MemoryStream(total is > 0 and < int.MaxValue ? (int)total : 1 << 20);
        var chunk = new byte[DownloadChunkBytes];
        int read;
        while ((read = body.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            state.Progress?.Report(
                new FetchProgress(state.Info.Name, file.FileName, url, buffer.Length, total));
        }
        if (total is not null && buffer.Length != total)
            throw new IOException($"got {buffer.Length} of {total} bytes");
        return buffer.ToArray();
    }

    /// <summary>Checks downloaded bytes: the canonical MD5 where published, then the content
    /// (SHA-256 of the decompressed file, or its structure); returns null when they are good.</summary>
    internal static string? VerifyDownload(DatasetInfo info, DatasetFile file, string url, byte[] stored)
    {
        if (file.DownloadMd5 is not null)
        {
            string md5 = FileVerifier.Md5Hex(stored);
            if (md5 != file.DownloadMd5)
                return $"{url}: MD5 of the download is {md5}; expected {file.DownloadMd5}";
        }
        try
        {
            return FileVerifier.CheckContent(info, file, url, CompressedFile.Decompress(url, stored));
        }
        catch (DataException e)
        {
            return e.Message;
        }
    }
}
