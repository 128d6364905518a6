// Small self-contained SVG charts for a run: line plots (loss.svg: losses per epoch) and a scatter
// with a legend (latent.svg: test-set latent means coloured by digit). Text is invariant-culture so
// the files are identical on every machine.
using System.Globalization;
using System.Net;
using System.Text;

namespace VaeGpu.Runner.Output;

/// <summary>One line of a line plot: its label, colour and y values (x = 1, 2, ...).</summary>
public sealed record PlotSeries(string Label, string Color, IReadOnlyList<double> Values,
    bool Dashed = false);

/// <summary>One panel of a stacked line plot: its y-axis label and its lines (own y range).</summary>
public sealed record PlotPanel(string YLabel, IReadOnlyList<PlotSeries> Series);

/// <summary>Writes SVG line plots and scatter plots.</summary>
public static class SvgPlot
{
    /// <summary>Ten distinguishable colours (Tableau 10), one per digit class.</summary>
    public static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
            "#bab0ac"];

    /// <summary>The dash pattern of dashed lines, in the plot and in its legend swatch alike.</summary>
    public const string DashPattern = "6 4";

    private const int Width = 720, Height = 440, Left = 70, Right = 170, Top = 40, Bottom = 50,
        PanelHeight = 300, PanelGap = 50;

    /// <summary>The plot area of one panel: its top and bottom pixel rows.</summary>
    private readonly record struct Frame(int Top, int Bottom);

    /// <summary>A line plot of several series against x = 1..count, with axes, ticks and a legend.</summary>
    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series)
    {
        var svg = Begin(title, Height);
        Panel(svg, new Frame(Top, Height - Bottom), xLabel, new PlotPanel(yLabel, series));
        return End(svg);
    }

    /// <summary>Line plots stacked top to bottom over the same x = 1..count, each with its own y axis
    /// and legend (so a small quantity is not squashed by a large one).</summary>
    public static string Panels(string title, string xLabel, IReadOnlyList<PlotPanel> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("a plot needs at least one panel", nameof(panels));
        int height = Top + panels.Count * PanelHeight + (panels.Count - 1) * PanelGap + Bottom;
        var svg = Begin(title, height);
        for (int p = 0; p < panels.Count; p++)
        {
            int top = Top + p * (PanelHeight + PanelGap);
            Panel(svg, new Frame(top, top + PanelHeight), p == panels.Count - 1 ? xLabel : null, panels[p]);
        }
        return End(svg);
    }

    private static void Panel(StringBuilder svg, Frame frame, string? xLabel, PlotPanel panel)
    {
        var series = panel.Series;
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        int count = series.Count == 0 ? 1 : Math.Max(1, series.Max(s => s.Values.Count));
        var (yMin, yMax) = finite.Count == 0 ? (0.0, 1.0) : Range(finite.Min(), finite.Max());
        var (xMin, xMax) = count == 1 ? (0.5, 1.5) : (1.0, count);
        Axes(svg, frame, xMin, xMax, yMin, yMax, xLabel, panel.YLabel, integerX: true);
        for (int s = 0; s < series.Count; s++)
        {
            var points = new StringBuilder();
            for (int i = 0; i < series[s].Values.Count; i++)
            {
                double value = series[s].Values[i];
                if (!double.IsFinite(value)) continue;
                points.Append(F(X(i + 1, xMin, xMax))).Append(',')
                    .Append(F(Y(value, yMin, yMax, frame))).Append(' ');
            }
            string dash = series[s].Dashed ? $" stroke-dasharray=\"{DashPattern}\"" : "";
            svg.Append($"<polyline fill=\"none\" stroke=\"{series[s].Color}\" stroke-width=\"2\"{dash} " +
                $"points=\"{points.ToString().TrimEnd()}\"/>\n");
            foreach (var point in points.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var xy = point.Split(',');
                svg.Append($"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"3\" fill=\"{series[s].Color}\"/>\n");
            }
            LegendEntry(svg, frame, s, series[s].Label, series[s].Color, line: true, series[s].Dashed);
        }
    }

    /// <summary>
    /// A scatter plot of n points (x, y) coloured by class label, with a legend of the classes named by
    /// <paramref name="classNames"/> ("digit c" where it has no entry).
    /// </summary>
    public static string Scatter(string title, string xLabel, string yLabel, ReadOnlySpan<double> x,
        ReadOnlySpan<double> y, ReadOnlySpan<byte> labels, int classes,
        IReadOnlyList<string>? classNames = null)
    {
        if (x.Length != y.Length || x.Length != labels.Length)
            throw new ArgumentException(
                $"scatter needs equal lengths, got {x.Length}, {y.Length}, {labels.Length}");
        var (xMin, xMax) = x.Length == 0 ? (0.0, 1.0) : Range(Min(x), Max(x));
        var (yMin, yMax) = y.Length == 0 ? (0.0, 1.0) : Range(Min(y), Max(y));
        var svg = Begin(title, Height);
        var frame = new Frame(Top, Height - Bottom);
        Axes(svg, frame, xMin, xMax, yMin, yMax, xLabel, yLabel, integerX: false);
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            string color = Palette[labels[i] % Palette.Length];
            svg.Append($"<circle cx=\"{F(X(x[i], xMin, xMax))}\" cy=\"{F(Y(y[i], yMin, yMax, frame))}\" ")
                .Append($"r=\"1.8\" fill=\"{color}\" fill-opacity=\"0.7\"/>\n");
        }
        for (int c = 0; c < classes; c++)
        {
            string name = classNames is not null && c < classNames.Count ? classNames[c] : $"digit {c}";
            LegendEntry(svg, frame, c, name, Palette[c % Palette.Length], line: false, dashed: false);
        }
        return End(svg);
    }

    private static StringBuilder Begin(string title, int height)
    {
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" ")
            .Append($"viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n")
            .Append($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n")
            .Append($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">")
            .Append(WebUtility.HtmlEncode(title)).Append("</text>\n");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static void Axes(StringBuilder svg, Frame frame, double xMin, double xMax, double yMin,
        double yMax, string? xLabel, string yLabel, bool integerX)
    {
        int plotRight = Width - Right, plotBottom = frame.Bottom;
        svg.Append($"<rect x=\"{Left}\" y=\"{frame.Top}\" width=\"{plotRight - Left}\" ")
            .Append($"height=\"{plotBottom - frame.Top}\" fill=\"none\" stroke=\"#333\"/>\n");
        foreach (double tick in Ticks(yMin, yMax))
        {
            string ty = F(Y(tick, yMin, yMax, frame));
            svg.Append($"<line x1=\"{Left}\" x2=\"{plotRight}\" y1=\"{ty}\" y2=\"{ty}\" stroke=\"#ddd\"/>\n");
            svg.Append($"<text x=\"{Left - 6}\" y=\"{ty}\" text-anchor=\"end\" dominant-baseline=\"middle\">")
                .Append($"{Label(tick)}</text>\n");
        }
        var xTicks = integerX ? IntegerTicks(xMin, xMax) : Ticks(xMin, xMax);
        foreach (double tick in xTicks)
        {
            string tx = F(X(tick, xMin, xMax));
            svg.Append($"<line x1=\"{tx}\" x2=\"{tx}\" y1=\"{frame.Top}\" y2=\"{plotBottom}\" ")
                .Append("stroke=\"#eee\"/>\n");
            svg.Append($"<text x=\"{tx}\" y=\"{plotBottom + 16}\" text-anchor=\"middle\">")
                .Append($"{Label(tick)}</text>\n");
        }
        if (xLabel is not null)
            svg.Append($"<text x=\"{(Left + plotRight) / 2}\" y=\"{plotBottom + 38}\" ")
                .Append($"text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>\n");
        svg.Append($"<text transform=\"translate(16,{(frame.Top + plotBottom) / 2}) rotate(-90)\" ")
            .Append($"text-anchor=\"middle\">{WebUtility.HtmlEncode(yLabel)}</text>\n");
    }

    private static void LegendEntry(StringBuilder svg, Frame frame, int index, string label, string color,
        bool line, bool dashed)
    {
        int x = Width - Right + 16, y = frame.Top + 10 + index * 20;
        string dash = dashed ? $" stroke-dasharray=\"{DashPattern}\"" : "";
        svg.Append(line
            ? $"<line x1=\"{x}\" x2=\"{x + 22}\" y1=\"{y}\" y2=\"{y}\" "
                + $"stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n"
            : $"<circle cx=\"{x + 11}\" cy=\"{y}\" r=\"5\" fill=\"{color}\"/>\n");
        svg.Append($"<text x=\"{x + 30}\" y=\"{y}\" dominant-baseline=\"middle\">")
            .Append($"{WebUtility.HtmlEncode(label)}</text>\n");
    }

    private static double X(double value, double min, double max) =>
        Left + (value - min) / (max - min) * (Width - Right - Left);
    private static double Y(double value, double min, double max, Frame frame) =>
        frame.Bottom - (value - min) / (max - min) * (frame.Bottom - frame.Top);

    private static (double, double) Range(double min, double max)
    {
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max))) { min -= 1; max += 1; }
        double pad = (max - min) * 0.05;
        return (min - pad, max + pad);
    }

    private static IEnumerable<double> Ticks(double min, double max)
    {
        double raw = (max - min) / 6, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        for (double tick = Math.Ceiling(min / step) * step; tick <= max; tick += step) yield return tick;
    }

    private static IEnumerable<double> IntegerTicks(double min, double max)
    {
        int step = Math.Max(1, (int)Math.Ceiling((max - min) / 10));
        for (int tick = (int)Math.Ceiling(min); tick <= max; tick += step) yield return tick;
    }

    private static double Min(ReadOnlySpan<double> values)
    {
        double m = double.MaxValue;
        foreach (var v in values) if (double.IsFinite(v)) m = Math.Min(m, v);
        return m == double.MaxValue ? 0 : m;
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        double m = double.MinValue;
        foreach (var v in values) if (double.IsFinite(v)) m = Math.Max(m, v);
        return m == double.MinValue ? 1 : m;
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
    private static string Label(double value) =>
        (Math.Abs(value) < 1e-9 ? 0 : value).ToString("G4", CultureInfo.InvariantCulture);
}
