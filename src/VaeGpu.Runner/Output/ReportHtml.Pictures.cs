// report.html's pictures. Grids of 16x16 or 28x28 digits are unreadable at their native size, so each
// PNG is shown scaled up by a whole factor with crisp pixels; samples_by_class gets a label per row
// (the digit or class name) and the manifold the z values along its edges.
using System.Buffers.Binary;
using System.Text;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

public static partial class ReportHtml
{
    /// <summary>The widest a picture is scaled to, in CSS pixels: the page's width (so MNIST's 16
    /// reconstructions of 28 pixels are shown twice their size).</summary>
    public const int MaxPictureWidth = 1000;

    /// <summary>The largest whole scale factor a picture gets.</summary>
    public const int MaxPictureScale = 4;

    /// <summary>The whole factor a picture <paramref name="width"/> pixels wide is shown at: as large
    /// as fits <see cref="MaxPictureWidth"/>, at least 1, at most <see cref="MaxPictureScale"/>.</summary>
    public static int PictureScale(int width) =>
        width <= 0 ? 1 : Math.Clamp(MaxPictureWidth / width, 1, MaxPictureScale);

    private static void AppendPictures(StringBuilder html, string runDir, RunConfig config)
    {
        string noun = DatasetCatalog.ClassNoun(config.Dataset);
        string range = RunPictures.ManifoldRange.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string File, string Caption)[] pictures =
        [
            ("loss.svg", config.IsAutoencoder
                ? "Reconstruction loss per epoch, train and test"
                : "Loss per epoch (train and test; reconstruction dashed), KL on its own panel"),
            ("reconstructions.png", "Test images (top) and their reconstructions (bottom), final epoch"),
            ("samples.png", "64 decoded draws z ~ N(0, I)"
                + (config.IsConditional ? $", {noun} label i mod {config.Classes}" : "")),
            ("samples_by_class.png", $"Decoded draws z ~ N(0, I) per {noun}, one row each"),
            ("latent.svg", $"Test-set latent means by {noun}"),
            ("manifold.png", $"Decoded grid over the 2-D latent plane: z1 from -{range} (left) to {range} " +
                $"(right), z2 from {range} (top) to -{range} (bottom)"),
        ];
        foreach (var (file, caption) in pictures)
        {
            string path = Path.Combine(runDir, file);
            if (!File.Exists(path)) continue;
            html.Append("<figure>");
            if (file.EndsWith(".svg", StringComparison.Ordinal)) html.Append(File.ReadAllText(path));
            else
            {
                byte[] png = File.ReadAllBytes(path);
                string img = Image(file, png);
                if (file == "samples_by_class.png") html.Append(RowLabels(img, png, config));
                else if (file == "manifold.png") html.Append(ZAxes(img, range));
                else html.Append(img);
            }
            html.Append($"<figcaption>{E(caption)} (<a href=\"{E(file)}\">{E(file)}</a>)")
                .Append("</figcaption></figure>\n");
        }
    }

    /// <summary>An embedded PNG scaled by <see cref="PictureScale"/> with crisp pixels.</summary>
    private static string Image(string file, byte[] png)
    {
        var (width, height) = PngSize(png);
        int scale = PictureScale(width);
        return $"<img alt=\"{E(file)}\" width=\"{width * scale}\" height=\"{height * scale}\" " +
            "style=\"image-rendering:pixelated\" src=\"data:image/png;base64," +
            Convert.ToBase64String(png) + "\">";
    }

    /// <summary>The class grid with each row's name at its left, rows aligned to the image's.</summary>
    private static string RowLabels(string img, byte[] png, RunConfig config)
    {
        var (width, height) = PngSize(png);
        int scale = PictureScale(width), padding = ImageGrid.DefaultPadding;
        int rows = Math.Max(1, config.Classes);
        double rowHeight = (height - padding) / (double)rows * scale;
        var labels = new StringBuilder($"<div class=\"rows\"><div class=\"labels\" " +
            $"style=\"padding-top:{padding * scale}px\">");
        for (int row = 0; row < rows; row++)
        {
            string px = rowHeight.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            labels.Append($"<div style=\"height:{px}px;line-height:{px}px\">")
                .Append(E(DatasetCatalog.ClassName(config.Dataset, row))).Append("</div>");
        }
        return labels.Append("</div>").Append(img).Append("</div>").ToString();
    }

    /// <summary>The manifold with its z range written along the left and bottom edges.</summary>
    private static string ZAxes(string img, string range) =>
        $"<div class=\"zgrid\"><div class=\"zy\"><span>z2 = {range}</span><span>z2 = 0</span>" +
        $"<span>z2 = -{range}</span></div>{img}<div></div><div class=\"zx\"><span>z1 = -{range}</span>" +
        $"<span>z1 = 0</span><span>z1 = {range}</span></div></div>";

    /// <summary>Width and height from a PNG's IHDR chunk (bytes 16-23).</summary>
    private static (int Width, int Height) PngSize(byte[] png) => png.Length < 24
        ? (0, 0)
        : (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
}
