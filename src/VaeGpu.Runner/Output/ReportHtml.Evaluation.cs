// report.html's evaluation section, from RUN/eval.json when `eval` (or a sweep) has written one: the
// test loss, the importance-sampled bound on -log p(x), digit-FID with its floor and a CVAE's
// conditional accuracy. An eval.json of an earlier epoch is shown as such, never as current.
using System.Globalization;
using System.Text;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

public static partial class ReportHtml
{
    private static void AppendEvaluation(StringBuilder html, string runDir, RunConfig config, int lastEpoch)
    {
        EvalResult? r;
        try
        {
            r = Evaluator.TryLoad(runDir);
        }
        catch (UserErrorException e)
        {
            html.Append($"<h2>Evaluation</h2>\n<p>{E(e.Message)}</p>\n");
            return;
        }
        if (r is null) return;
        string units = LossUnits.PerImage(config);
        html.Append("<h2>Evaluation</h2>\n");
        if (r.Epoch != lastEpoch)
            html.Append($"<p><b>Stale:</b> eval.json measured the checkpoint of epoch {r.Epoch}; the run ")
                .Append($"now has {lastEpoch} epochs. Run <code>VaeGpu.Runner eval --run {E(runDir)}</code> ")
                .Append("again.</p>\n");
        html.Append("<table>\n");
        void Row(string name, string value, string note) =>
            html.Append($"<tr><td class=\"k\">{E(name)}</td><td>{E(value)}</td><td class=\"k\">{E(note)}")
                .Append("</td></tr>\n");
        Row("test loss", N(r.TestLoss, "0.###"), units + (config.IsAutoencoder ? "" : " (recon + beta KL)"));
        if (!config.IsAutoencoder)
        {
            Row("test reconstruction", N(r.TestRecon, "0.###"), units);
            Row("test KL", N(r.TestKl, "0.###"), "nats per image");
        }
        if (r.NllBound is { } nll)
            Row($"bound on -log p(x), K={r.ImportanceSamples}", N(nll, "0.###"),
                "nats per image, importance-sampled (lower is better)");
        if (r.DigitFid is { } fid)
            Row("digit-FID", N(fid, "0.###"), "generated vs test images (lower is better)");
        if (r.FidFloor is { } floor)
            Row("digit-FID floor", N(floor, "0.###"), "test vs training images: the best reachable");
        if (r.ConditionalAccuracy is { } accuracy)
            Row("conditional accuracy", N(accuracy, "0.0000"),
                "share of per-class samples the classifier assigns to their class");
        if (r.ClassifierAccuracy is { } classifier)
            Row("classifier test accuracy", N(classifier, "0.0000"), "the digit classifier behind the FID");
        Row("test images", r.Images.ToString(CultureInfo.InvariantCulture), $"epoch {r.Epoch} checkpoint");
        html.Append("</table>\n");
        if (r.DigitFid is not null)
            html.Append("<p>digit-FID is the Fr&eacute;chet distance between our classifier's features of ")
                .Append("generated and of test images: VaeGpu's own yardstick, comparable only with itself, ")
                .Append("not with published FID numbers.</p>\n");
    }

    private static string N(double value, string format) =>
        value.ToString(format, CultureInfo.InvariantCulture);
}
