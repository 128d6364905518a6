// Decodes 64 draws z ~ N(0, I) with a VaeGpu decoder.onnx and writes them as an 8x8 grid, a PGM image.
// Usage: dotnet run -- decoder.onnx samples.pgm
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

using var session = new InferenceSession(args[0]); // decoder.onnx of a vae (a cvae's also takes "label")
var meta = session.ModelMetadata.CustomMetadataMap;
int n = 8, w = int.Parse(meta["image_width"]), h = int.Parse(meta["image_height"]);
var random = new Random(1);
var z = new DenseTensor<float>([n * n, int.Parse(meta["latent"])]);
for (int i = 0; i < z.Length; i++) // z ~ N(0, I) by Box-Muller
    z.SetValue(i, (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()))
        * Math.Cos(2 * Math.PI * random.NextDouble())));
using var results = session.Run([NamedOnnxValue.CreateFromTensor("z", z)]);
var pixels = results[0].AsTensor<float>().ToArray(); // (n * n, h * w) in [0, 1]
var grid = new byte[n * h * n * w]; // image (y / h, x / w) of the grid, its pixel (y % h, x % w)
for (int y = 0; y < n * h; y++)
    for (int x = 0; x < n * w; x++)
        grid[y * n * w + x] =
            (byte)Math.Round(255 * pixels[(y / h * n + x / w) * h * w + y % h * w + x % w]);
var header = System.Text.Encoding.ASCII.GetBytes($"P5 {n * w} {n * h} 255\n"); // binary PGM
File.WriteAllBytes(args[1], [.. header, .. grid]);
