// metrics.csv: one row per completed epoch with exactly the columns the issue fixes. The whole file is
// rewritten (atomically) after each epoch, so a crash leaves the rows of completed epochs only, and
// --resume reads the rows back to continue the table. `beta` is the KL weight train_loss used, averaged
// over the epoch's images (it ramps during --kl-warmup); test_loss always uses the full --beta.
using System.Globalization;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>One epoch's metrics; losses are per image, in nats; <paramref name="Beta"/> is the mean KL
/// weight of the epoch's training steps (NaN when read from a file written before the column).</summary>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainRecon, double TrainKl,
    double TestLoss,
    double TestRecon, double TestKl, double EpochSeconds, double SamplesPerSecond, double Beta = double.NaN);

/// <summary>Reads and writes metrics.csv.</summary>
public static class MetricsCsv
{
    /// <summary>The header line, exactly.</summary>
    public const string Header =
        HeaderWithoutBeta + ",beta";

    /// <summary>The header of files written before the beta column; still read (beta NaN).</summary>
    public const string HeaderWithoutBeta =
        "epoch,train_loss,train_recon,train_kl,test_loss,test_recon,test_kl,epoch_seconds," +
        "samples_per_second";

    /// <summary>Writes all rows (atomically).</summary>
    public static void Write(string path, IEnumerable<EpochMetrics> rows)
    {
        var lines = new List<string> { Header };
        lines.AddRange(rows.Select(Format));
        AtomicFile.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Reads the rows of a metrics.csv written by <see cref="Write"/>.</summary>
    public static List<EpochMetrics> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || (lines[0] != Header && lines[0] != HeaderWithoutBeta))
            throw new UserErrorException($"{path}: first line is not the metrics header '{Header}'");
        int columns = lines[0].Split(',').Length;
        var rows = new List<EpochMetrics>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != columns)
                throw new UserErrorException(
                    $"{path}:{i + 1}: expected {columns} columns, found {cells.Length}");
            double Cell(int c) => double.Parse(cells[c], CultureInfo.InvariantCulture);
            rows.Add(new EpochMetrics(int.Parse(cells[0], CultureInfo.InvariantCulture), Cell(1), Cell(2),
                Cell(3),
                Cell(4), Cell(5), Cell(6), Cell(7), Cell(8), columns > 9 ? Cell(9) : double.NaN));
        }
        return rows;
    }

    /// <summary>One CSV row; losses keep float64's round-trip digits so resumed runs compare
    /// exactly.</summary>
    public static string Format(EpochMetrics m) => string.Join(",",
        m.Epoch.ToString(CultureInfo.InvariantCulture), R(m.TrainLoss), R(m.TrainRecon), R(m.TrainKl),
        R(m.TestLoss), R(m.TestRecon), R(m.TestKl),
        m.EpochSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        m.SamplesPerSecond.ToString("0.#", CultureInfo.InvariantCulture), R(m.Beta));

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
