// report.html of a GAN run: the facts, the configuration, the evaluation (digit-FID and digit-KID, from
// eval.json when `eval` or a sweep wrote one), the metrics table with the issue's columns, every warning
// of the health checks (a failing GAN is shown, not hidden), and the pictures.
using System.Globalization;
using System.Net;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Output;

/// <summary>Builds a GAN run's report page.</summary>
public static class GanReportHtml
{
    private static readonly (string File, string Caption)[] Pictures =
    [
        ("loss.svg", "D and G losses, and the mean of sigmoid(D) on real and fake images, per epoch"),
        ("samples.png", "64 draws of G, noise uniform in [-1, 1]"),
        ("samples_by_class.png", "cGAN draws per class, one row per digit"),
    ];

    /// <summary>Writes report.html into <paramref name="runDir"/> from the files already there.</summary>
    public static void Write(string runDir, RunConfig config, IReadOnlyList<GanEpochMetrics> metrics,
        IReadOnlyList<string> warnings, IReadOnlyList<(string Name, string Value)> facts)
    {
        ArgumentNullException.ThrowIfNull(config);
        var html = HtmlPage.Begin($"VaeGpu run: {config.Model.Name()} on {config.Dataset}", 1000,
            "img{image-rendering:pixelated;max-width:100%}figure{margin:1.5em 0}.w{color:#b00}");
        if (metrics.Count > 0)
            html.Append($"<p><b>Final d_loss {F(metrics[^1].DLoss)}, g_loss {F(metrics[^1].GLoss)}</b> after "
                + $"{metrics[^1].Epoch} epochs.</p>\n");
        html.Append(warnings.Count == 0 ? "<p>Health checks: no warning (D never 100% accurate, no collapse)."
            + "</p>\n" : "<h2>Warnings</h2>\n<ul>\n");
        foreach (var warning in warnings) html.Append($"<li class=\"w\">{E(warning)}</li>\n");
        if (warnings.Count > 0) html.Append("</ul>\n");
        ReportHtml.AppendFacts(html, facts);
        html.Append("<h2>Configuration</h2>\n<pre>").Append(E(config.ToJson())).Append("</pre>\n");
        ReportHtml.AppendEvaluation(html, runDir, config, metrics.Count > 0 ? metrics[^1].Epoch : 0);
        html.Append("<h2>Metrics</h2>\n<table>\n<tr>");
        foreach (var column in GanMetricsCsv.Header.Split(',')) html.Append($"<th>{E(column)}</th>");
        html.Append("</tr>\n");
        foreach (var m in metrics)
            html.Append($"<tr><td>{m.Epoch}</td><td>{F(m.DLoss)}</td><td>{F(m.GLoss)}</td>")
                .Append($"<td>{F(m.DReal)}</td><td>{F(m.DFake)}</td><td>{F(m.EpochSeconds)}</td>")
                .Append($"<td>{m.SamplesPerSecond.ToString("0", CultureInfo.InvariantCulture)}</td></tr>\n");
        html.Append("</table>\n<h2>Pictures</h2>\n");
        foreach (var (file, caption) in Pictures)
        {
            string path = Path.Combine(runDir, file);
            if (!File.Exists(path)) continue;
            html.Append("<figure>");
            if (file.EndsWith(".svg", StringComparison.Ordinal)) html.Append(File.ReadAllText(path));
            else
                html.Append($"<img alt=\"{E(file)}\" src=\"data:image/png;base64,")
                    .Append(Convert.ToBase64String(File.ReadAllBytes(path))).Append("\">");
            html.Append($"<figcaption>{E(caption)} (<a href=\"{E(file)}\">{E(file)}</a>)")
                .Append("</figcaption></figure>\n");
        }
        var perEpoch = Directory.GetFiles(runDir, "samples_epoch*.png").Select(Path.GetFileName).Order();
        html.Append("<p>Fixed-noise samples after each epoch: ")
            .AppendJoin(", ", perEpoch.Select(f => $"<a href=\"{E(f!)}\">{E(f!)}</a>")).Append("</p>\n");
        html.Append("<p>Files: <a href=\"metrics.csv\">metrics.csv</a>, ")
            .Append("<a href=\"config.json\">config.json</a>, ")
            .Append("<a href=\"model.safetensors\">model.safetensors</a></p>\n</body></html>\n");
        AtomicFile.WriteAllText(Path.Combine(runDir, "report.html"), html.ToString());
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
