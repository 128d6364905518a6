// report.html: one self-contained page per run. Configuration, the metrics table, timings, the
// evaluation (when eval.json exists) and every picture of the run folder; PNGs are embedded as data
// URIs and SVGs inline, so the page can be mailed or opened anywhere; the per-epoch reconstructions
// are linked to keep the page small. Refresh rebuilds the page after `eval` from the run folder.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using VaeGpu.Layers;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Output;

/// <summary>Builds the run report page.</summary>
public static partial class ReportHtml
{
    /// <summary>The file inside a run folder.</summary>
    public const string FileName = "report.html";

    // The run facts travel inside the page, so Refresh can rebuild it without the trainer.
    private const string FactsOpen = "<script type=\"application/json\" id=\"vaegpu-facts\">";
    private const string FactsClose = "</script>";

    private const string Css =
        "img{image-rendering:pixelated;max-width:100%}figure{margin:1.5em 0}" +
        ".rows{display:inline-flex;align-items:flex-start;gap:6px}" +
        ".labels div{text-align:right;white-space:nowrap;font-size:0.9em}" +
        ".zgrid{display:inline-grid;grid-template-columns:auto auto;gap:4px}" +
        ".zy{display:flex;flex-direction:column;justify-content:space-between;text-align:right}" +
        ".zx{display:flex;justify-content:space-between}";

    /// <summary>Writes report.html into <paramref name="runDir"/> from the files already there
    /// (pictures, and eval.json when it exists).</summary>
    public static void Write(string runDir, RunConfig config, IReadOnlyList<EpochMetrics> metrics,
        IReadOnlyList<(string Name, string Value)> facts)
    {
        ArgumentNullException.ThrowIfNull(runDir);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(facts);
        WriteCore(runDir, config, metrics, facts);
    }

    /// <summary>Rebuilds an existing report.html from the run folder (config.json, metrics.csv, the
    /// pictures, eval.json; a GAN's warnings.txt); does nothing where the run has no report yet (it never
    /// finished).</summary>
    public static void Refresh(string runDir)
    {
        ArgumentNullException.ThrowIfNull(runDir);
        string page = Path.Combine(runDir, FileName);
        if (!File.Exists(page)) return;
        var config = RunConfig.Load(Path.Combine(runDir, Checkpoint.ConfigFile));
        string metricsPath = Path.Combine(runDir, Checkpoint.MetricsFile);
        var facts = ReadFacts(File.ReadAllText(page));
        if (config.IsGan)
        {
            var ganMetrics = File.Exists(metricsPath) ? GanMetricsCsv.Read(metricsPath) : [];
            GanReportHtml.Write(runDir, config, ganMetrics, GanTrainer.ReadWarnings(runDir), facts);
            return;
        }
        var metrics = File.Exists(metricsPath) ? MetricsCsv.Read(metricsPath) : [];
        WriteCore(runDir, config, metrics, facts);
    }

    /// <summary>The facts table, with its JSON copy that <see cref="Refresh"/> reads back.</summary>
    internal static void AppendFacts(StringBuilder html, IReadOnlyList<(string Name, string Value)> facts)
    {
        html.Append("<h2>Run</h2>\n<table>\n");
        foreach (var (name, value) in facts)
            html.Append($"<tr><td class=\"k\">{E(name)}</td><td class=\"k\">{E(value)}</td></tr>\n");
        html.Append("</table>\n").Append(FactsOpen)
            .Append(JsonSerializer.Serialize(facts.Select(f => new[] { f.Name, f.Value })))
            .Append(FactsClose).Append('\n');
    }

    private static void WriteCore(string runDir, RunConfig config, IReadOnlyList<EpochMetrics> metrics,
        IReadOnlyList<(string Name, string Value)> facts)
    {
        string units = LossUnits.PerImage(config);
        bool ae = config.IsAutoencoder;
        var html = HtmlPage.Begin($"VaeGpu run: {config.Model.Name()} on {config.Dataset}", 1000, Css);
        if (metrics.Count > 0)
            html.Append($"<p><b>Final test {(ae ? "reconstruction " : "")}loss: {F(metrics[^1].TestLoss)} ")
                .Append($"{E(units)}</b> after {metrics[^1].Epoch} epochs.</p>\n");

        AppendFacts(html, facts);
        html.Append("<h2>Configuration</h2>\n<pre>").Append(E(config.ToJson())).Append("</pre>\n");
        if (ae)
            html.Append("<p>An ae has no KL term: beta and kl_warmup have no effect on it, and its ")
                .Append("latent has no prior to sample from, so the run has no prior samples.</p>\n");
        if (config.Recon == ReconstructionLoss.Mse)
            html.Append("<p>The mse reconstruction loss is the squared error summed over the pixels ")
                .Append("(values in [0, 1]), not a log-likelihood in nats.</p>\n");

        AppendEvaluation(html, runDir, config, metrics.Count > 0 ? metrics[^1].Epoch : 0);
        AppendMetrics(html, metrics, units, ae);
        html.Append("<h2>Pictures</h2>\n");
        AppendPictures(html, runDir, config);
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
        AtomicFile.WriteAllText(Path.Combine(runDir, FileName), html.ToString());
    }

    private static void AppendMetrics(StringBuilder html, IReadOnlyList<EpochMetrics> metrics, string units,
        bool ae)
    {
        // An ae's KL columns are zero by construction: the table leaves them out.
        var columns = MetricsCsv.Header.Split(',')
            .Where(c => !ae || !c.EndsWith("_kl", StringComparison.Ordinal));
        html.Append($"<h2>Metrics (losses: {E(units)})</h2>\n<table>\n<tr>");
        foreach (var column in columns) html.Append($"<th>{E(column)}</th>");
        html.Append("</tr>\n");
        foreach (var m in metrics)
        {
            html.Append($"<tr><td>{m.Epoch}</td><td>{F(m.TrainLoss)}</td><td>{F(m.TrainRecon)}</td>");
            if (!ae) html.Append($"<td>{F(m.TrainKl)}</td>");
            html.Append($"<td>{F(m.TestLoss)}</td><td>{F(m.TestRecon)}</td>");
            if (!ae) html.Append($"<td>{F(m.TestKl)}</td>");
            html.Append($"<td>{F(m.EpochSeconds)}</td>")
                .Append($"<td>{m.SamplesPerSecond.ToString("0", CultureInfo.InvariantCulture)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static List<(string Name, string Value)> ReadFacts(string page)
    {
        int start = page.IndexOf(FactsOpen, StringComparison.Ordinal);
        if (start < 0) return [];
        start += FactsOpen.Length;
        int end = page.IndexOf(FactsClose, start, StringComparison.Ordinal);
        if (end < 0) return [];
        try
        {
            var pairs = JsonSerializer.Deserialize<string[][]>(page[start..end]) ?? [];
            return pairs.Where(p => p.Length == 2).Select(p => (p[0], p[1])).ToList();
        }
        catch (JsonException)
        {
            return []; // a hand-edited page: rebuild it without the facts rather than fail the eval
        }
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
