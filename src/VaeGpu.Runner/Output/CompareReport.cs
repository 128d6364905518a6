// A sweep's comparison: compare.csv (one row per run: its settings, final losses, the evaluation's
// log-likelihood bound, digit-FID, digit-KID and conditional accuracy, size and speed), one SVG per metric
// with every run's curve overlaid, and compare.html holding the table, the curves and each run's samples.
// VAE columns and curves (losses in nats, the bound) appear when the sweep has a VAE run, GAN ones (D's and
// G's losses) when it has a GAN run. Rewritten after every run, so an interrupted sweep still shows what
// it has.
using System.Globalization;
using System.Net;
using System.Text;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

/// <summary>One run of a sweep as the comparison shows it: a VAE's epochs in Metrics, a GAN's in
/// GanMetrics; eval is null when not measured.</summary>
public sealed record SweepRow(string Name, IReadOnlyList<(string Key, string Value)> Settings, string Status,
    IReadOnlyList<EpochMetrics> Metrics, long Parameters, EvalResult? Eval)
{
    /// <summary>Whether the run is a GAN (gan, lsgan, dcgan, cgan).</summary>
    public bool IsGan { get; init; }

    /// <summary>A GAN run's epochs.</summary>
    public IReadOnlyList<GanEpochMetrics> GanMetrics { get; init; } = [];

    /// <summary>A GAN's health in its last epoch: "ok", "D won", "mode collapse" or both.</summary>
    public string GanHealth { get; init; } = "";

    /// <summary>Completed epochs.</summary>
    public int Epochs => IsGan ? GanMetrics.Count : Metrics.Count;

    /// <summary>Each completed epoch's training seconds.</summary>
    public IEnumerable<double> EpochSeconds =>
        IsGan ? GanMetrics.Select(m => m.EpochSeconds) : Metrics.Select(m => m.EpochSeconds);
}

/// <summary>Writes compare.csv, compare-METRIC.svg and compare.html into a sweep folder.</summary>
public static class CompareReport
{
    /// <summary>The VAE runs' per-epoch metrics drawn as overlaid curves, with their axis labels.</summary>
    public static readonly (string Name, string Label, Func<EpochMetrics, double> Value)[] Curves =
    [
        ("test_loss", "test loss (nats per image)", m => m.TestLoss),
        ("train_loss", "train loss (nats per image)", m => m.TrainLoss),
        ("test_recon", "test reconstruction (nats per image)", m => m.TestRecon),
        ("test_kl", "test KL (nats per image)", m => m.TestKl),
    ];

    /// <summary>The GAN runs' per-epoch metrics drawn as overlaid curves.</summary>
    public static readonly (string Name, string Label, Func<GanEpochMetrics, double> Value)[] GanCurves =
    [
        ("d_loss", "D loss per image (training)", m => m.DLoss),
        ("g_loss", "G loss per image (training)", m => m.GLoss),
    ];

    private enum Only { None, Vae, Gan }

    // Every column after run and the sweep's keys: which runs it belongs to, and its cell.
    private static readonly (string Name, Only Only, Func<SweepRow, string> Cell)[] Columns =
    [
        ("status", Only.None, r => r.Status),
        ("epochs", Only.None, r => r.Epochs.ToString(CultureInfo.InvariantCulture)),
        ("train_loss", Only.Vae, r => F(LastVae(r)?.TrainLoss)),
        ("test_loss", Only.Vae, r => F(LastVae(r)?.TestLoss)),
        ("test_recon", Only.Vae, r => F(LastVae(r)?.TestRecon)),
        ("test_kl", Only.Vae, r => F(LastVae(r)?.TestKl)),
        ("d_loss", Only.Gan, r => F(LastGan(r)?.DLoss)),
        ("g_loss", Only.Gan, r => F(LastGan(r)?.GLoss)),
        ("d_real", Only.Gan, r => F(LastGan(r)?.DReal)),
        ("d_fake", Only.Gan, r => F(LastGan(r)?.DFake)),
        ("gan_health", Only.Gan, r => r.GanHealth),
        ("nll_bound", Only.Vae, r => F(r.Eval?.NllBound)),
        ("importance_samples", Only.Vae, r => r.Eval?.NllBound is null ? ""
            : r.Eval.ImportanceSamples.ToString(CultureInfo.InvariantCulture)),
        ("digit_fid", Only.None, r => F(r.Eval?.DigitFid)),
        ("fid_floor", Only.None, r => F(r.Eval?.FidFloor)),
        ("digit_kid", Only.None, r => F(r.Eval?.DigitKid, "0.00000")),
        ("digit_kid_std", Only.None, r => F(r.Eval?.DigitKidStd, "0.00000")),
        ("kid_floor", Only.None, r => F(r.Eval?.KidFloor, "0.00000")),
        ("rarest_class", Only.None, r => r.Eval?.RarestClass?.ToString(CultureInfo.InvariantCulture) ?? ""),
        ("rarest_class_ratio", Only.None, r => F(r.Eval?.RarestClassRatio)),
        ("conditional_accuracy", Only.None, r => F(r.Eval?.ConditionalAccuracy)),
        ("parameters", Only.None, r => r.Parameters.ToString(CultureInfo.InvariantCulture)),
        ("median_epoch_seconds", Only.None, r => r.Epochs == 0 ? ""
            : Median(r.EpochSeconds).ToString("0.00", CultureInfo.InvariantCulture)),
    ];

    /// <summary>The header of compare.csv: run, the sweep's keys, then the columns that apply to its runs
    /// (VAE losses and bound when it has a VAE, D's and G's losses when it has a GAN).</summary>
    public static string Header(IReadOnlyList<string> keys, IReadOnlyList<SweepRow> rows) =>
        string.Join(",", new[] { "run" }.Concat(keys).Concat(ColumnsFor(rows).Select(c => c.Name)));

    /// <summary>Writes every comparison file for the rows so far.</summary>
    public static void Write(string folder, string title, IReadOnlyList<SweepRow> rows)
    {
        var keys = rows.SelectMany(r => r.Settings.Select(s => s.Key)).Distinct().ToList();
        var csv = new StringBuilder(Header(keys, rows)).Append('\n');
        foreach (var row in rows) csv.AppendJoin(",", Cells(row, keys, rows)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, "compare.csv"), csv.ToString());

        var svgs = new List<(string File, string Svg)>();
        var vaes = rows.Where(r => !r.IsGan).ToList();
        var gans = rows.Where(r => r.IsGan).ToList();
        if (vaes.Count > 0)
            foreach (var (name, label, value) in Curves)
                svgs.Add(Plot(folder, title, name, label, vaes.Select(r => (r.Name,
                    (IReadOnlyList<double>)r.Metrics.Select(value).ToList())).ToList()));
        if (gans.Count > 0)
            foreach (var (name, label, value) in GanCurves)
                svgs.Add(Plot(folder, title, name, label, gans.Select(r => (r.Name,
                    (IReadOnlyList<double>)r.GanMetrics.Select(value).ToList())).ToList()));
        AtomicFile.WriteAllText(Path.Combine(folder, "compare.html"), Html(folder, title, rows, keys, svgs));
    }

    /// <summary>The CSV cells of one row, in the header's order for these rows; unmeasured numbers are
    /// empty.</summary>
    public static IEnumerable<string> Cells(SweepRow row, IReadOnlyList<string> keys,
        IReadOnlyList<SweepRow> rows)
    {
        ArgumentNullException.ThrowIfNull(row);
        yield return row.Name;
        foreach (string key in keys) yield return row.Settings.FirstOrDefault(s => s.Key == key).Value ?? "";
        foreach (var column in ColumnsFor(rows)) yield return column.Cell(row);
    }

    private static IEnumerable<(string Name, Only Only, Func<SweepRow, string> Cell)> ColumnsFor(
        IReadOnlyList<SweepRow> rows)
    {
        bool vae = rows.Any(r => !r.IsGan), gan = rows.Any(r => r.IsGan);
        return Columns.Where(c => c.Only == Only.None || (c.Only == Only.Vae ? vae : gan));
    }

    // One metric's curves, one per run that has epochs, written to compare-NAME.svg.
    private static (string File, string Svg) Plot(string folder, string title, string name, string label,
        List<(string Run, IReadOnlyList<double> Values)> runs)
    {
        var series = runs.Where(r => r.Values.Count > 0).Select((r, i) => new PlotSeries(r.Run,
            SvgPlot.Palette[i % SvgPlot.Palette.Length], r.Values,
            Dashed: i / SvgPlot.Palette.Length % 2 == 1)).ToList();
        string svg = SvgPlot.Lines($"{title}: {name}", "epoch", label, series);
        string file = $"compare-{name}.svg";
        AtomicFile.WriteAllText(Path.Combine(folder, file), svg);
        return (file, svg);
    }

    private static EpochMetrics? LastVae(SweepRow r) => r.Metrics.Count > 0 ? r.Metrics[^1] : null;
    private static GanEpochMetrics? LastGan(SweepRow r) => r.GanMetrics.Count > 0 ? r.GanMetrics[^1] : null;

    private static string Html(string folder, string title, IReadOnlyList<SweepRow> rows, List<string> keys,
        List<(string File, string Svg)> svgs)
    {
        var html = HtmlPage.Begin($"VaeGpu sweep: {title}", 1200,
                "img{image-rendering:pixelated;width:168px}figure{display:inline-block;margin:0.5em}" +
                ".wide{overflow-x:auto;max-width:100%}td,th{white-space:nowrap}")
            .Append("<p>A VAE's losses are per test image in nats (lower is better). nll_bound is the ")
            .Append("importance-sampled bound on -log p(x). digit_fid is the Fr&eacute;chet distance ")
            .Append("between our digit classifier's features of generated images and of the test set; ")
            .Append("fid_floor is the same distance between the test and training sets; digit_kid is the ")
            .Append("kernel distance (unbiased MMD&sup2;, cubic kernel) between the same features, with ")
            .Append("kid_floor its floor. Both are this project's own yardsticks, comparable only with ")
            .Append("themselves, not with published FID or KID numbers. d_loss and g_loss are a GAN's ")
            .Append("training losses per image in its last epoch; d_real and d_fake the mean of ")
            .Append("sigmoid(D) on real and generated images; gan_health says how that epoch's check ")
            .Append("ended: D won (D right about every real and fake image), mode collapse ")
            .Append("(near-identical samples), or ok.</p>\n")
            .Append("<div class=\"wide\"><table>\n<tr>"); // a wide table scrolls, the page does not
        foreach (string column in Header(keys, rows).Split(',')) html.Append($"<th>{E(column)}</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var (cell, i) in Cells(row, keys, rows).Select((c, i) => (c, i)))
                html.Append(i == 0
                    ? $"<td class=\"k\"><a href=\"{E(row.Name)}/report.html\">{E(cell)}</a></td>"
                    : $"<td>{E(cell)}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table></div>\n<h2>Curves</h2>\n");
        foreach (var (file, svg) in svgs)
            html.Append($"<figure>{svg}<figcaption><a href=\"{E(file)}\">{E(file)}</a>")
                .Append("</figcaption></figure>\n");
        html.Append("<h2>Samples</h2>\n");
        foreach (var row in rows)
        {
            string samples = Path.Combine(folder, row.Name, "samples.png");
            if (!File.Exists(samples)) continue;
            html.Append($"<figure><img alt=\"{E(row.Name)}\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(File.ReadAllBytes(samples)))
                .Append($"\"><figcaption><a href=\"{E(row.Name)}/report.html\">{E(row.Name)}</a>")
                .Append("</figcaption></figure>\n");
        }
        return html.Append("</body></html>\n").ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    private static string F(double? value, string format = "0.0000") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
