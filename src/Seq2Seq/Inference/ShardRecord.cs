using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Inference;

/// <summary>
/// The completion record of one shard's part (<c>PREFIX.I-of-N.done</c>, JSON): written after the part is complete
/// and renamed into place, so its presence says the part is whole; its fields say what the part is the
/// translation of (which lines of which input, by which model, with which decoding settings), so a rerun can skip
/// a finished shard and the merge can refuse a part from another input or model, or one changed since.
/// </summary>
public sealed record ShardRecord
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The shard's index, 0 to <see cref="Shards"/> − 1.</summary>
    [JsonPropertyName("shard")]
    public int Shard { get; init; }

    /// <summary>How many shards the input was split into.</summary>
    [JsonPropertyName("shards")]
    public int Shards { get; init; }

    /// <summary>Lines in the part: the input lines this shard covered, one translation each.</summary>
    [JsonPropertyName("lines")]
    public long Lines { get; init; }

    /// <summary>Lines in the whole input.</summary>
    [JsonPropertyName("input_lines")]
    public long InputLines { get; init; }

    /// <summary>SHA-256 of the input lines this shard covered (see <see cref="DigestInput"/>).</summary>
    [JsonPropertyName("input_sha256")]
    public string InputSha256 { get; init; } = "";

    /// <summary>SHA-256 of the part file's bytes.</summary>
    [JsonPropertyName("part_sha256")]
    public string PartSha256 { get; init; } = "";

    /// <summary>The model's fingerprint (see <see cref="ModelFingerprint"/>).</summary>
    [JsonPropertyName("model")]
    public string Model { get; init; } = "";

    /// <summary>The decoding settings (see <see cref="DescribeDecoding"/>).</summary>
    [JsonPropertyName("decoding")]
    public string Decoding { get; init; } = "";

    /// <summary>Reads the record at <paramref name="path"/>; null when there is none or it is not a record.</summary>
    public static ShardRecord? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<ShardRecord>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the record to <paramref name="path"/> atomically.</summary>
    /// <exception cref="UserErrorException">The file cannot be written.</exception>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>
    /// The record a complete part of shard <paramref name="plan"/> of <paramref name="inputPath"/>, translated by the
    /// model in <paramref name="modelDirectory"/> with <paramref name="options"/>, will have, less the part's own
    /// checksum (<see cref="PartSha256"/> is empty). Reads the input once.
    /// </summary>
    /// <exception cref="UserErrorException">The input or a model file cannot be read.</exception>
    public static ShardRecord Expected(ShardPlan plan, string inputPath, string modelDirectory, DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var (inputLines, digests) = DigestInput(inputPath, plan.Count);
        return new ShardRecord
        {
            Shard = plan.Index,
            Shards = plan.Count,
            Lines = plan.LinesOf(inputLines),
            InputLines = inputLines,
            InputSha256 = digests[plan.Index],
            Model = ModelFingerprint(modelDirectory),
            Decoding = DescribeDecoding(options),
        };
    }

    /// <summary>
    /// Whether this record says <paramref name="part"/> is the complete translation that <paramref name="expected"/>
    /// describes: the same shard, input lines, model and settings, and the part's bytes unchanged since.
    /// </summary>
    public bool Completes(ShardRecord expected, string part)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return this with { PartSha256 = "" } == expected with { PartSha256 = "" } && File.Exists(part) && PartSha256 == FileSha256(part);
    }

    /// <summary>
    /// Reads <paramref name="inputPath"/> once (lines as <see cref="Inference.InputLines"/> reads them) and returns its
    /// line count and, for each of <paramref name="shards"/> shards, the SHA-256 of the lines it covers, each line
    /// hashed as its UTF-8 bytes and a '\n'.
    /// </summary>
    public static (long InputLines, string[] Sha256) DigestInput(string inputPath, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var hashes = Enumerable.Range(0, shards).Select(_ => IncrementalHash.CreateHash(HashAlgorithmName.SHA256)).ToArray();
        try
        {
            long n = 0;
            byte[] buffer = new byte[1024];
            foreach (string line in Inference.InputLines.ReadFile(inputPath))
            {
                int length = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
                if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
                int bytes = Encoding.UTF8.GetBytes(line, buffer);
                buffer[bytes] = (byte)'\n';
                hashes[n++ % shards].AppendData(buffer, 0, bytes + 1);
            }
            return (n, [.. hashes.Select(h => Convert.ToHexStringLower(h.GetHashAndReset()))]);
        }
        finally
        {
            foreach (var h in hashes) h.Dispose();
        }
    }

    /// <summary>SHA-256 of a file's bytes, in lowercase hex.</summary>
    /// <exception cref="UserErrorException">The file cannot be read.</exception>
    public static string FileSha256(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read ({e.Message})", e);
        }
    }

    /// <summary>
    /// The fingerprint of what a translation depends on in a model directory: SHA-256 over the name, length and
    /// bytes of its config.yaml, the checkpoint and the tokenizer files it has. The folder's own path is left out,
    /// so the same model copied elsewhere (another node's mount) has the same fingerprint.
    /// </summary>
    /// <exception cref="UserErrorException">A file cannot be read.</exception>
    public static string ModelFingerprint(string modelDirectory, string checkpoint = ModelDirectory.BestCheckpointName)
    {
        var dir = new ModelDirectory(modelDirectory);
        var files = new[] { dir.ConfigFile, dir.Checkpoint(checkpoint) }.Concat(dir.TokenizerFiles.Where(File.Exists));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in files)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}\n{stream.Length}\n"));
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, n);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserErrorException($"{file}: cannot read ({e.Message})", e);
            }
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The settings in <paramref name="options"/> that can change an output line, as one line of text.</summary>
    public static string DescribeDecoding(DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(CultureInfo.InvariantCulture,
            $"beam={options.BeamSize} nbest={options.NBest} alpha={options.Alpha:R} keep_greedy_path={options.KeepGreedyPath} " +
            $"max_length_ratio={options.MaxLengthRatio:R} max_length_offset={options.MaxLengthOffset} min_length={options.MinLength} " +
            $"max_source_length={options.MaxSourceLength} batch={options.BatchSize} {options.BatchType} " +
            $"sample={options.Sample} temperature={options.Temperature:R} top_k={options.TopK} seed={options.Seed}").ToLowerInvariant();
    }
}
