// report.html's evaluation section, VAE's and GAN's, from RUN/eval.json when `eval` (or a sweep) has
// written one: a VAE's test loss and importance-sampled bound on -log p(x), every model's digit-FID and
// digit-KID with their floors, the rarest class of its samples and a conditional model's accuracy. An
// eval.json of an earlier epoch is shown as such, never as current.
using System.Globalization;
using System.Text;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

public static partial class ReportHtml
{
    internal static void AppendEvaluation(StringBuilder html, string runDir, RunConfig config, int lastEpoch)
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
        if (!config.IsGan)
            Row("test loss", N(r.TestLoss, "0.###"),
                units + (config.IsAutoencoder ? "" : " (recon + beta KL)"));
        if (!config.IsAutoencoder && !config.IsGan)
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
        if (r.DigitKid is { } kid)
            Row("digit-KID", $"{N(kid, "0.#####")} ± {N(r.DigitKidStd ?? 0, "0.#####")}",
                "generated vs test images, mean ± std over subsets (lower is better)");
        if (r.KidFloor is { } kidFloor)
            Row("digit-KID floor", N(kidFloor, "0.#####"), "test vs training images: the best reachable");
        if (r.RarestClass is { } rarest && r.RarestClassRatio is { } ratio)
            Row("rarest class", $"{DatasetCatalog.ClassName(config.Dataset, rarest)}: {N(ratio, "0.00")}x",
                "its share of the generated images over its share of the test images, both as the " +
                "classifier labels them (1: in proportion; under " +
                N(EvalRunner.DroppedModeRatio, "0.00") + ": a dropped mode)");
        if (r.ConditionalAccuracy is { } accuracy)
            Row("conditional accuracy", N(accuracy, "0.0000"),
                "share of per-class samples the classifier assigns to their class");
        if (r.ClassifierAccuracy is { } classifier)
            Row("classifier test accuracy", N(classifier, "0.0000"), "the digit classifier behind the FID");
        if (!config.IsGan)
            Row("test images", r.Images.ToString(CultureInfo.InvariantCulture),
                $"epoch {r.Epoch} checkpoint");
        else
            Row("checkpoint", $"epoch {r.Epoch}", "the generator measured");
        html.Append("</table>\n");
        if (r.DigitFid is not null)
            html.Append("<p>digit-FID is the Fr&eacute;chet distance between our classifier's features of ")
                .Append("generated and of test images, digit-KID the kernel distance (unbiased MMD&sup2;, ")
                .Append("cubic kernel) between the same features: VaeGpu's own yardsticks, comparable only ")
                .Append("with themselves, not with published FID or KID numbers.</p>\n");
    }

    private static string N(double value, string format) =>
        value.ToString(format, CultureInfo.InvariantCulture);
}
