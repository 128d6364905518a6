// The head and style that every VaeGpu HTML page shares (run reports and sweep comparisons): one
// self-contained page, no external files, tables right-aligned for numbers.
using System.Net;
using System.Text;

namespace VaeGpu.Runner.Output;

/// <summary>Starts and ends the self-contained HTML pages the runner writes.</summary>
public static class HtmlPage
{
    /// <summary>A new page up to its h1: title, shared table style, plus <paramref name="css"/>.</summary>
    public static StringBuilder Begin(string title, int maxWidth, string css)
    {
        string text = WebUtility.HtmlEncode(title);
        return new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
            .Append($"<title>{text}</title>\n")
            .Append($"<style>body{{font-family:sans-serif;max-width:{maxWidth}px;")
            .Append("margin:2em auto;padding:0 1em}")
            .Append("table{border-collapse:collapse}")
            .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
            .Append("th{background:#f4f4f4}td.k{text-align:left}")
            .Append(css).Append("</style></head><body>\n")
            .Append($"<h1>{text}</h1>\n");
    }
}
