// A sweep's comparison: compare.csv (one row per run: its settings, final losses, the evaluation's
// log-likelihood bound, digit-FID and conditional accuracy, size and speed), one SVG per metric with
// every run's curve overlaid, and compare.html holding the table, the curves and each run's samples.
// Rewritten after every run, so an interrupted sweep still shows what it has.
using System.Globalization;
using System.Net;
using System.Text;

namespace VaeGpu.Runner.Output;

/// <summary>One run of a sweep as the comparison shows it; eval numbers are null when not measured.</summary>
public sealed record SweepRow(string Name, IReadOnlyList<(string Key, string Value)> Settings, string Status,
    IReadOnlyList<Training.EpochMetrics> Metrics, long Parameters, int ImportanceSamples, double? NllBound,
    double? DigitFid, double? FidFloor, double? ConditionalAccuracy);

/// <summary>Writes compare.csv, compare-METRIC.svg and compare.html into a sweep folder.</summary>
public static class CompareReport
{
    /// <summary>The per-epoch metrics drawn as overlaid curves, with their axis labels.</summary>
    public static readonly (string Name, string Label, Func<Training.EpochMetrics, double> Value)[] Curves =
    [
        ("test_loss", "test loss (nats per image)", m => m.TestLoss),
        ("train_loss", "train loss (nats per image)", m => m.TrainLoss),
        ("test_recon", "test reconstruction (nats per image)", m => m.TestRecon),
        ("test_kl", "test KL (nats per image)", m => m.TestKl),
    ];

    private static readonly string[] Columns =
    [
        "run", "status", "epochs", "train_loss", "test_loss", "test_recon", "test_kl", "nll_bound",
        "importance_samples", "digit_fid", "fid_floor", "conditional_accuracy", "parameters",
        "median_epoch_seconds",
    ];

    /// <summary>The header of compare.csv: the fixed columns with the sweep's keys after "run".</summary>
    public static string Header(IReadOnlyList<string> keys) =>
        string.Join(",", Columns.Take(1).Concat(keys).Concat(Columns.Skip(1)));

    /// <summary>Writes every comparison file for the rows so far.</summary>
    public static void Write(string folder, string title, IReadOnlyList<SweepRow> rows)
    {
        var keys = rows.SelectMany(r => r.Settings.Select(s => s.Key)).Distinct().ToList();
        var csv = new StringBuilder(Header(keys)).Append('\n');
        foreach (var row in rows) csv.AppendJoin(",", Cells(row, keys)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, "compare.csv"), csv.ToString());

        var svgs = new List<(string File, string Svg)>();
        foreach (var (name, label, value) in Curves)
        {
            var series = rows.Where(r => r.Metrics.Count > 0).Select((r, i) => new PlotSeries(r.Name,
                SvgPlot.Palette[i % SvgPlot.Palette.Length], r.Metrics.Select(value).ToList(),
                Dashed: i / SvgPlot.Palette.Length % 2 == 1)).ToList();
            string svg = SvgPlot.Lines($"{title}: {name}", "epoch", label, series);
            string file = $"compare-{name}.svg";
            AtomicFile.WriteAllText(Path.Combine(folder, file), svg);
            svgs.Add((file, svg));
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "compare.html"), Html(folder, title, rows, keys, svgs));
    }

    /// <summary>The CSV cells of one row, in header order; unmeasured numbers are empty.</summary>
    public static IEnumerable<string> Cells(SweepRow row, IReadOnlyList<string> keys)
    {
        var last = row.Metrics.Count > 0 ? row.Metrics[^1] : null;
        yield return row.Name;
        foreach (string key in keys) yield return row.Settings.FirstOrDefault(s => s.Key == key).Value ?? "";
        yield return row.Status;
        yield return (last?.Epoch ?? 0).ToString(CultureInfo.InvariantCulture);
        yield return F(last?.TrainLoss);
        yield return F(last?.TestLoss);
        yield return F(last?.TestRecon);
        yield return F(last?.TestKl);
        yield return F(row.NllBound);
        yield return row.NllBound is null ? "" : row.ImportanceSamples.ToString(CultureInfo.InvariantCulture);
        yield return F(row.DigitFid);
        yield return F(row.FidFloor);
        yield return row.ConditionalAccuracy?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "";
        yield return row.Parameters.ToString(CultureInfo.InvariantCulture);
        yield return row.Metrics.Count == 0 ? "" : Median(row.Metrics.Select(m => m.EpochSeconds))
            .ToString("0.00", CultureInfo.InvariantCulture);
    }

    private static string Html(string folder, string title, IReadOnlyList<SweepRow> rows, List<string> keys,
        List<(string File, string Svg)> svgs)
    {
        var html = HtmlPage.Begin($"VaeGpu sweep: {title}", 1200,
                "img{image-rendering:pixelated;width:168px}figure{display:inline-block;margin:0.5em}" +
                ".wide{overflow-x:auto;max-width:100%}td,th{white-space:nowrap}")
            .Append("<p>Losses are per test image in nats (lower is better). nll_bound is the importance-")
            .Append("sampled bound on -log p(x). digit_fid is the Fr&eacute;chet distance between our digit ")
            .Append("classifier's features of generated images and of the test set; fid_floor is the same ")
            .Append("distance between the test and training sets. It is this project's own yardstick, ")
            .Append("comparable only with itself, not with published FID numbers.</p>\n")
            .Append("<div class=\"wide\"><table>\n<tr>"); // a wide table scrolls, the page does not
        foreach (string column in Header(keys).Split(',')) html.Append($"<th>{E(column)}</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var (cell, i) in Cells(row, keys).Select((c, i) => (c, i)))
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

    private static string F(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "";
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
