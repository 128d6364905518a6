// A GAN run's metrics.csv: one row per completed epoch with the issue's columns (mean D and G losses,
// the mean of sigmoid(D) on real and on fake images, timing). Rewritten atomically after each epoch,
// read back by --resume, like the VAEs' MetricsCsv.
using System.Globalization;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>One GAN epoch's metrics: losses are per-image means over the epoch's steps.</summary>
public sealed record GanEpochMetrics(int Epoch, double DLoss, double GLoss, double DReal, double DFake,
    double EpochSeconds, double SamplesPerSecond);

/// <summary>Reads and writes a GAN run's metrics.csv.</summary>
public static class GanMetricsCsv
{
    /// <summary>The header line, exactly.</summary>
    public const string Header = "epoch,d_loss,g_loss,d_real,d_fake,epoch_seconds,samples_per_second";

    /// <summary>Writes all rows (atomically).</summary>
    public static void Write(string path, IEnumerable<GanEpochMetrics> rows)
    {
        var lines = new List<string> { Header };
        lines.AddRange(rows.Select(Format));
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Reads the rows of a file written by <see cref="Write"/>.</summary>
    public static List<GanEpochMetrics> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
            throw new UserErrorException($"{path}: first line is not the GAN metrics header '{Header}'");
        var rows = new List<GanEpochMetrics>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != 7)
                throw new UserErrorException($"{path}:{i + 1}: expected 7 columns, found {cells.Length}");
            double Cell(int c) => double.Parse(cells[c], CultureInfo.InvariantCulture);
            rows.Add(new GanEpochMetrics(int.Parse(cells[0], CultureInfo.InvariantCulture), Cell(1), Cell(2),
                Cell(3), Cell(4), Cell(5), Cell(6)));
        }
        return rows;
    }

    /// <summary>One CSV row; losses keep float64's round-trip digits.</summary>
    public static string Format(GanEpochMetrics m) => string.Join(",",
        m.Epoch.ToString(CultureInfo.InvariantCulture), R(m.DLoss), R(m.GLoss), R(m.DReal), R(m.DFake),
        m.EpochSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        m.SamplesPerSecond.ToString("0.#", CultureInfo.InvariantCulture));

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
