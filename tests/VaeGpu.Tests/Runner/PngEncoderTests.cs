// Our PNG encoder checked by independent decoders: PIL decodes every pixel back, pngcheck validates
// chunk CRCs and zlib streams; sizes include 1 and odd primes, pixels are fresh random bytes.
using VaeGpu.Runner.Output;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class PngEncoderTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, PngColor> Sizes => new()
    {
        { 1, 1, PngColor.Gray }, { 1, 1, PngColor.Rgb }, { 7, 3, PngColor.Gray }, { 13, 29, PngColor.Rgb },
        { 28, 28, PngColor.Gray }, { 257, 5, PngColor.Rgb }, { 3, 101, PngColor.Gray },
    };

    [PilTheory]
    [MemberData(nameof(Sizes))]
    public void PilDecodesEveryPixel(int width, int height, PngColor color)
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, {width}x{height} {color}");
        var pixels = RandomPixels(width, height, color, seed);
        string path = Path.Combine(Path.GetTempPath(), $"vaegpu-png-{Guid.NewGuid():N}.png");
        try
        {
            PngEncoder.Write(path, width, height, color, pixels);
            var (code, text, err) = ExternalTool.Run(ExternalTool.Python!, "-c",
                "import sys; from PIL import Image; im = Image.open(sys.argv[1]); im.load(); " +
                "print(im.mode, im.size[0], im.size[1]); sys.stdout.write(im.tobytes().hex())", path);
            Assert.True(code == 0, $"PIL failed: {err}");
            var lines = text.Split('\n', 2);
            Assert.Equal($"{(color == PngColor.Gray ? "L" : "RGB")} {width} {height}", lines[0]);
            var decoded = Convert.FromHexString(lines[1].Trim());
            CompareBytes(pixels, decoded);
        }
        finally { File.Delete(path); }
    }

    [PngcheckFact]
    public void PngcheckAcceptsChunksAndCrcs()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var cases = new[] { (1, 1, PngColor.Gray), (31, 17, PngColor.Rgb), (28, 28, PngColor.Gray) };
        foreach (var (width, height, color) in cases)
        {
            string path = Path.Combine(Path.GetTempPath(), $"vaegpu-png-{Guid.NewGuid():N}.png");
            try
            {
                PngEncoder.Write(path, width, height, color, RandomPixels(width, height, color, seed));
                var (code, text, err) = ExternalTool.Run("pngcheck", "-v", path);
                Assert.True(code == 0, $"pngcheck rejected {width}x{height} {color}: {text} {err}");
                Assert.Contains("No errors", text);
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void Crc32MatchesKnownCheckValue()
    {
        // The standard CRC-32 check value: CRC of ASCII "123456789" is 0xCBF43926.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void WrongPixelCountIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(
            () => PngEncoder.Encode(3, 2, PngColor.Rgb, new byte[17]));
        Assert.Contains("18", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(0, 2, PngColor.Gray, []));
    }

    internal static void CompareBytes(byte[] expected, byte[] actual)
    {
        Assert.True(expected.Length == actual.Length, $"length {actual.Length}, expected {expected.Length}");
        int bad = 0, first = -1;
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) { bad++; if (first < 0) first = i; }
        Assert.True(bad == 0, bad == 0 ? "" :
            $"{bad} bytes differ; first at {first}: got {actual[first]}, expected {expected[first]}");
    }

    private static byte[] RandomPixels(int width, int height, PngColor color, int seed)
    {
        var pixels = new byte[width * height * (color == PngColor.Gray ? 1 : 3)];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
