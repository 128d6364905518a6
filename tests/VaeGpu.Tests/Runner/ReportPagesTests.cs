// What a new user reads: report.html, loss.svg, latent.svg and compare.html. An ae's report speaks in
// its own units with no KL or prior samples; the loss legend shows each line's dash and KL has a panel
// of its own; pictures are scaled up crisply with labelled rows and z range; eval.json shows in the
// report; Fashion-MNIST's classes are named, never called digits; compare.html's table scrolls.
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed partial class ReportPagesTests(ITestOutputHelper output)
{
    private static readonly RunConfig Usps = new()
    {
        Dataset = "usps", InputDim = 256, ImageWidth = 16, ImageHeight = 16, Latent = 2, Epochs = 3,
    };

    [DataFact("usps")]
    public void AnAutoencodersReportSpeaksInItsUnitsWithoutKlOrPriorSamples()
    {
        using var temp = new TempFolder("ae");
        string dir = temp.Path;
        var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", RunnerHarness.DataDir("usps"),
            "--model", "ae", "--recon", "mse", "--limit", "300", "--epochs", "2", "--encoder", "32",
            "--decoder", "32", "--latent", "4", "--out", dir, "--quiet");
        Assert.True(result.Code == 0, result.ToString());
        Assert.False(File.Exists(Path.Combine(dir, "samples.png")),
            "an ae has no prior: decoded N(0, I) draws are noise");
        string report = File.ReadAllText(Path.Combine(dir, "report.html"));
        output.WriteLine(report[..Math.Min(report.Length, 3000)]);
        Assert.Contains("Final test reconstruction loss: ", report);
        Assert.Contains("squared error per image", report);
        Assert.DoesNotContain("nats per image", report);
        Assert.Contains("not a log-likelihood in nats", report);
        Assert.DoesNotContain("beta=", report); // the model line of an ae names no beta
        Assert.DoesNotContain("<th>train_kl</th>", report);
        Assert.DoesNotContain("samples.png", report);
        string loss = File.ReadAllText(Path.Combine(dir, "loss.svg"));
        Assert.DoesNotContain("KL", loss);
        Assert.DoesNotContain("nats", loss);
        Assert.Contains("squared error", loss);
    }

    [Fact]
    public void TheLossLegendShowsEachLinesColourAndDashAndKlHasItsOwnPanel()
    {
        var random = new Random(new TestRandom(output).Seed);
        var metrics = Enumerable.Range(1, 7).Select(e => new EpochMetrics(e, 150 + random.NextDouble(),
            125 + random.NextDouble(), 25 + random.NextDouble(), 140 + random.NextDouble(),
            118 + random.NextDouble(), 22 + random.NextDouble(), 2, 20_000)).ToList();
        var svg = XDocument.Parse(RunPictures.LossPlot(metrics, Usps)).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        var lines = svg.Elements(ns + "polyline").ToList();
        // Legend swatches are the only <line>s drawn 2 px wide; one per plotted line, in the same order.
        var swatches = svg.Elements(ns + "line")
            .Where(l => (string?)l.Attribute("stroke-width") == "2").ToList();
        Assert.Equal(6, lines.Count);
        Assert.Equal(lines.Count, swatches.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal((string?)lines[i].Attribute("stroke"), (string?)swatches[i].Attribute("stroke"));
            Assert.Equal((string?)lines[i].Attribute("stroke-dasharray"),
                (string?)swatches[i].Attribute("stroke-dasharray"));
        }
        Assert.Equal(2, lines.Count(l => l.Attribute("stroke-dasharray") is not null)); // the recon pair
        // Loss and reconstruction: four lines, four colours.
        Assert.Equal(4, lines.Take(4).Select(l => (string?)l.Attribute("stroke")).Distinct().Count());

        // Two panels; the KL lines lie inside the lower one, the losses inside the upper one.
        var frames = svg.Elements(ns + "rect").Where(r => (string?)r.Attribute("stroke") == "#333")
            .Select(r => (Top: D(r, "y"), Bottom: D(r, "y") + D(r, "height"))).ToList();
        Assert.Equal(2, frames.Count);
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            var frame = index < 4 ? frames[0] : frames[1];
            foreach (double y in Ys(line))
                Assert.True(y >= frame.Top && y <= frame.Bottom, $"line {index}: y {y} outside {frame}");
        }
        Assert.Contains("KL to N(0, I)", svg.ToString());
    }

    [Theory]
    [InlineData("usps", "digit 0", "digit 9", "digit")]
    [InlineData("fashion-mnist", "T-shirt/top", "Ankle boot", "class")]
    public void PicturesAreScaledUpCrispWithLabelledRowsAndTheManifoldsRange(string dataset, string first,
        string last, string noun)
    {
        using var temp = new TempFolder("pages");
        string dir = temp.Path;
        var config = Usps with { Dataset = dataset, Model = ModelKind.Cvae };
        var random = new Random(new TestRandom(output).Seed);
        float[] Pixels(int n) => Enumerable.Range(0, n * 256).Select(_ => random.NextSingle()).ToArray();
        ImageGrid.Gray(Pixels(64), 64, 16, 16, 8).Save(Path.Combine(dir, "samples.png"));
        ImageGrid.Gray(Pixels(100), 100, 16, 16, 10).Save(Path.Combine(dir, "samples_by_class.png"));
        ImageGrid.Gray(Pixels(400), 400, 16, 16, 20, 0).Save(Path.Combine(dir, "manifold.png"));
        ReportHtml.Write(dir, config, [], [("model", "test")]);
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));

        // Each digit cell shown at least 48 CSS pixels, no picture wider than the page.
        var images = ImageTag().Matches(html).ToDictionary(m => m.Groups["alt"].Value,
            m => (W: int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture),
                H: int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(3, images.Count);
        foreach (var (file, columns, cell) in new[]
            { ("samples.png", 8, 18), ("samples_by_class.png", 10, 18), ("manifold.png", 20, 16) })
        {
            int native = columns * cell + (cell == 18 ? 2 : 0), scale = images[file].W / native;
            Assert.Equal(native * scale, images[file].W);
            Assert.True(cell * scale >= 48, $"{file}: a {cell}-pixel cell is shown at {cell * scale} px");
            Assert.True(images[file].W <= ReportHtml.MaxPictureWidth,
                $"{file} is {images[file].W} px wide");
        }
        Assert.Contains("image-rendering:pixelated", html);
        // One label per row of samples_by_class, in label order.
        var labels = RowLabel().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, labels.Count);
        Assert.Equal(first, System.Net.WebUtility.HtmlDecode(labels[0]));
        Assert.Equal(last, System.Net.WebUtility.HtmlDecode(labels[9]));
        Assert.Equal(Enumerable.Range(0, 10).Select(c => DatasetCatalog.ClassName(dataset, c)),
            labels.Select(System.Net.WebUtility.HtmlDecode));
        foreach (var edge in new[] { "z1 = -3", "z1 = 3", "z2 = -3", "z2 = 3" })
            Assert.Contains(edge, html);
        Assert.Contains($"per {noun}", html);
        if (noun == "class") Assert.DoesNotContain("digit", html);
    }

    [Fact]
    public void FashionMnistsLatentLegendNamesItsClasses()
    {
        using var acc = ModelFactory.CreateAccelerator(AcceleratorKind.Cpu, 0, 1);
        var random = new Random(new TestRandom(output).Seed);
        int n = 57;
        var images = new byte[n * 16];
        random.NextBytes(images);
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        var split = new DataSplit(images, labels, n, 4, 4, 10);
        foreach (int latent in new[] { 1, 2 })
        {
            var config = new RunConfig
            {
                Dataset = "fashion-mnist", InputDim = 16, ImageWidth = 4, ImageHeight = 4, Encoder = [8],
                Decoder = [8], Latent = latent, BatchSize = 16,
            };
            using var model = ModelFactory.CreateModel(acc, config, 16);
            using var test = new DeviceSplit(acc, split, n, model.MaxBatch, 0);
            string svg = RunPictures.LatentPlot(model, test, config);
            foreach (string name in DatasetCatalog.FashionMnist.ClassNames)
                Assert.Contains($">{System.Net.WebUtility.HtmlEncode(name)}</text>", svg);
            Assert.DoesNotContain("digit", svg);
        }
    }

    [Fact]
    public void EvalJsonShowsInTheReportAndAnEarlierEpochsIsMarkedStale()
    {
        using var temp = new TempFolder("evalpage");
        string dir = temp.Path;
        var random = new Random(new TestRandom(output).Seed);
        var config = Usps with { Model = ModelKind.Cvae };
        var metrics = Enumerable.Range(1, 3).Select(e => new EpochMetrics(e, 90, 80, 10, 95, 84, 11, 1,
            9000)).ToList();
        AtomicFile.WriteAllText(Path.Combine(dir, "config.json"), config.ToJson());
        MetricsCsv.Write(Path.Combine(dir, "metrics.csv"), metrics);
        ReportHtml.Write(dir, config, metrics, [("accelerator", "cpu (2 threads)")]);
        Assert.DoesNotContain("<h2>Evaluation</h2>", File.ReadAllText(Path.Combine(dir, "report.html")));

        double nll = 80 + random.NextDouble(), fid = 1 + random.NextDouble();
        double accuracy = random.NextDouble();
        Evaluator.Save(dir, new EvalResult
        {
            TestLoss = 95, TestRecon = 84, TestKl = 11, Images = 2007, Epoch = 3, ImportanceSamples = 100,
            NllBound = nll, DigitFid = fid, FidFloor = 0.25, ConditionalAccuracy = accuracy,
            ClassifierAccuracy = 0.97,
        });
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("<h2>Evaluation</h2>", html);
        Assert.Contains("bound on -log p(x), K=100", html);
        Assert.Contains(nll.ToString("0.###", CultureInfo.InvariantCulture), html);
        Assert.Contains(fid.ToString("0.###", CultureInfo.InvariantCulture), html);
        Assert.Contains(accuracy.ToString("0.0000", CultureInfo.InvariantCulture), html);
        Assert.Contains("cpu (2 threads)", html); // the run's facts survive the rebuild
        Assert.DoesNotContain("Stale", html);

        Evaluator.Save(dir, new EvalResult { TestLoss = 99, Images = 2007, Epoch = 2 });
        Assert.Contains("Stale", File.ReadAllText(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void CompareHtmlScrollsItsTableKeepsRunNamesOnOneLineAndLinksItsCurves()
    {
        using var temp = new TempFolder("compare");
        string dir = temp.Path;
        var metrics = new List<EpochMetrics> { new(1, 150, 130, 20, 140, 121, 19, 2, 9000) };
        var settings = Enumerable.Range(0, 12).Select(k => ($"key{k}", $"value-{k}")).ToList();
        var rows = new[] { "latent=2,beta=4,encoder=512-256", "latent=20,beta=1,encoder=400" }
            .Select(name => new SweepRow(name, settings, "ok", metrics, 1234, null))
            .ToList();
        CompareReport.Write(dir, "wide", rows);
        string html = File.ReadAllText(Path.Combine(dir, "compare.html"));
        Assert.Contains("<div class=\"wide\"><table>", html);
        Assert.Contains(".wide{overflow-x:auto", html);
        Assert.Contains("white-space:nowrap", html);
        foreach (var (name, _, _) in CompareReport.Curves)
            Assert.Contains($"<figcaption><a href=\"compare-{name}.svg\">", html);
    }

    private static double D(XElement element, string name) =>
        double.Parse((string)element.Attribute(name)!, CultureInfo.InvariantCulture);

    private static IEnumerable<double> Ys(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture));

    [GeneratedRegex("<img alt=\"(?<alt>[^\"]+)\" width=\"(?<w>\\d+)\" height=\"(?<h>\\d+)\"")]
    private static partial Regex ImageTag();

    [GeneratedRegex("<div style=\"height:[0-9.]+px;line-height:[0-9.]+px\">([^<]*)</div>")]
    private static partial Regex RowLabel();
}
