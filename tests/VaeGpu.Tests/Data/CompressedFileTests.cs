// CompressedFile turns a corrupt stream, and only a corrupt stream, into a DataException: fresh
// random gzip and bzip2 files damaged at random places (flipped bytes, cut short) must decode or
// fail with "corrupt"/"truncated", never crash; an exception a reader bug would throw (index out
// of range, bad argument) from a decoder must escape as itself, not be reported as bad data.
using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;
using VaeGpu.Runner.Data;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Data;

public sealed class CompressedFileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Compression.Gzip)]
    [InlineData(Compression.Bzip2)]
    public void DamagedStreamsDecodeOrFailAsCorrupt(Compression kind)
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        byte[] content = new byte[20_000 + random.Next(5_000)];
        // Compressible but not trivial: runs of small random values, like pixel rows.
        for (int i = 0; i < content.Length; i++)
            content[i] = (byte)(random.Next(4) == 0 ? random.Next(256) : 0);
        byte[] packed = Pack(kind, content);
        Assert.Equal(content, CompressedFile.Decompress("intact", packed));
        var seen = new Dictionary<string, int>();
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] damaged = Damage(packed, random, trial);
            try
            {
                CompressedFile.Decompress("damaged", damaged);
                seen["decoded"] = seen.GetValueOrDefault("decoded") + 1;
            }
            catch (DataException e)
            {
                Assert.Contains("damaged", e.Message);
                Assert.True(e.Message.Contains("corrupt") || e.Message.Contains("truncated")
                    || e.Message.Contains("decompresses to nothing"), e.Message);
                string cause = e.InnerException?.GetType().Name ?? "DataException";
                seen[cause] = seen.GetValueOrDefault(cause) + 1;
            }
        }
        output.WriteLine(string.Join(", ", seen.Select(pair => $"{pair.Key}: {pair.Value}")));
        Assert.True(seen.Count > 1, "no damaged stream was rejected");
    }

    [Theory]
    [InlineData(typeof(IndexOutOfRangeException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(NullReferenceException))]
    public void ReaderBugIsNotReportedAsCorruptData(Type bug)
    {
        byte[] packed = Pack(Compression.Gzip, new byte[100]);
        var thrown = (Exception)Activator.CreateInstance(bug)!;
        var escaped = Assert.Throws(bug, () => CompressedFile.DecompressCore(
            "file.gz", packed, Compression.Gzip, (_, _) => new Faulty(thrown)));
        Assert.Same(thrown, escaped);
    }

    [Theory]
    [InlineData(typeof(InvalidDataException))]
    [InlineData(typeof(EndOfStreamException))]
    [InlineData(typeof(BZip2Exception))]
    public void DecoderErrorsAreReportedAsCorruptData(Type error)
    {
        byte[] packed = Pack(Compression.Bzip2, new byte[100]);
        var thrown = (Exception)Activator.CreateInstance(error, "bad block")!;
        var e = Assert.Throws<DataException>(() => CompressedFile.DecompressCore(
            "file.bz2", packed, Compression.Bzip2, (_, _) => new Faulty(thrown)));
        Assert.Contains("file.bz2: corrupt bzip2 stream (bad block)", e.Message);
        Assert.Same(thrown, e.InnerException);
    }

    private static byte[] Pack(Compression kind, byte[] content)
    {
        using var packed = new MemoryStream();
        using (Stream encoder = kind == Compression.Gzip
                   ? new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true)
                   : new BZip2OutputStream(packed) { IsStreamOwner = false })
            encoder.Write(content);
        return packed.ToArray();
    }

    // Odd trials flip 1-8 random bytes after the magic; even trials cut the stream at a random length.
    private static byte[] Damage(byte[] packed, Random random, int trial)
    {
        if (trial % 2 == 0) return packed[..random.Next(4, packed.Length)];
        byte[] damaged = (byte[])packed.Clone();
        for (int flips = random.Next(1, 9); flips > 0; flips--)
            damaged[random.Next(4, damaged.Length)] ^= (byte)random.Next(1, 256);
        return damaged;
    }

    // A decoder stream whose first read throws the given exception.
    private sealed class Faulty(Exception thrown) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw thrown;
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException();
    }
}
