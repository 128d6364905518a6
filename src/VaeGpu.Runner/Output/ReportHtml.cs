// report.html: one self-contained page per run. Configuration, the metrics table, timings, and every
// picture of the run folder; PNGs are embedded as data URIs and SVGs inline, so the page can be
// mailed or opened anywhere; the per-epoch reconstructions are linked to keep the page small.
using System.Globalization;
using System.Net;
using System.Text;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

/// <summary>Builds the run report page.</summary>
public static class ReportHtml
{
    private static readonly (string File, string Caption)[] Pictures =
    [
        ("loss.svg", "Loss per epoch (train and test; reconstruction and KL)"),
        ("reconstructions.png", "Test images (top) and their reconstructions (bottom), final epoch"),
        ("samples.png", "64 decoded draws z ~ N(0, I)"),
        ("samples_by_class.png", "Decoded draws per class, one row per digit"),
        ("latent.svg", "Test-set latent means by digit"),
        ("manifold.png", "Decoded grid over the 2-D latent plane"),
    ];

    /// <summary>Writes report.html into <paramref name="runDir"/> from the files already there.</summary>
    public static void Write(string runDir, RunConfig config, IReadOnlyList<EpochMetrics> metrics,
        IReadOnlyList<(string Name, string Value)> facts)
    {
        var html = HtmlPage.Begin($"VaeGpu run: {config.Model} on {config.Dataset}", 1000,
            "img{image-rendering:pixelated;max-width:100%}figure{margin:1.5em 0}");
        if (metrics.Count > 0)
            html.Append($"<p><b>Final test loss: {F(metrics[^1].TestLoss)} nats per image</b> after "
                + $"{metrics[^1].Epoch} epochs.</p>\n");

        html.Append("<h2>Run</h2>\n<table>\n");
        foreach (var (name, value) in facts)
            html.Append($"<tr><td class=\"k\">{E(name)}</td><td class=\"k\">{E(value)}</td></tr>\n");
        html.Append("</table>\n<h2>Configuration</h2>\n<pre>").Append(E(config.ToJson())).Append("</pre>\n");

        html.Append("<h2>Metrics (per image, nats)</h2>\n<table>\n<tr>");
        foreach (var column in MetricsCsv.Header.Split(',')) html.Append($"<th>{E(column)}</th>");
        html.Append("</tr>\n");
        foreach (var m in metrics)
            html.Append($"<tr><td>{m.Epoch}</td><td>{F(m.TrainLoss)}</td><td>{F(m.TrainRecon)}</td>")
                .Append($"<td>{F(m.TrainKl)}</td><td>{F(m.TestLoss)}</td><td>{F(m.TestRecon)}</td>")
                .Append($"<td>{F(m.TestKl)}</td><td>{F(m.EpochSeconds)}</td>")
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
        var perEpoch = Directory.GetFiles(runDir, "reconstructions_epoch*.png")
            .Select(Path.GetFileName).Order().ToList();
        if (perEpoch.Count > 0)
        {
            html.Append("<p>Reconstructions after each epoch: ");
            html.AppendJoin(", ", perEpoch.Select(f => $"<a href=\"{E(f!)}\">{E(f!)}</a>"));
            html.Append("</p>\n");
        }
        html.Append("<p>Files: <a href=\"metrics.csv\">metrics.csv</a>, ")
            .Append("<a href=\"config.json\">config.json</a>, ")
            .Append("<a href=\"model.safetensors\">model.safetensors</a></p>\n</body></html>\n");
        AtomicFile.WriteAllText(Path.Combine(runDir, "report.html"), html.ToString());
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
