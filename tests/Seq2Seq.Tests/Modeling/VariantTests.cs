using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;
using Seq2Seq.Training;
using static TorchSharp.torch;
using CliProcess = Seq2Seq.Tests.Robustness.Cli;

namespace Seq2Seq.Tests.Modeling;

/// <summary>
/// Every <c>model.rnn_type</c> × <c>model.attention</c> combination trains, decodes and
/// round-trips through its model directory; the LSTM's cell state crosses the bridge; models without attention
/// refuse what needs attention weights with a user error; old GRU + Bahdanau model directories keep loading.
/// </summary>
[Collection(TorchCollection.Name)]
public class VariantTests
{
    public static readonly RnnType[] RnnTypes = [RnnType.Gru, RnnType.Lstm, RnnType.Rnn];
    public static readonly AttentionType[] Attentions = [AttentionType.Bahdanau, AttentionType.LuongDot, AttentionType.LuongGeneral, AttentionType.None];

    public static TheoryData<RnnType, AttentionType> Variants()
    {
        var data = new TheoryData<RnnType, AttentionType>();
        foreach (var rnn in RnnTypes)
            foreach (var attention in Attentions) data.Add(rnn, attention);
        return data;
    }

    private static readonly string[] French = ["lune", "soleil", "chat", "chien", "arbre", "maison", "rouge", "vert", "petit", "grand", "mer", "vent"];
    private static readonly string[] English = ["moon", "sun", "cat", "dog", "tree", "house", "red", "green", "small", "big", "sea", "wind"];

    /// <summary>A bidirectional encoder of 2 × 16 and a decoder of 32: luong_dot's sizes agree.</summary>
    private static ModelConfig Tiny(RnnType rnnType, AttentionType attention) => new()
    {
        RnnType = rnnType,
        Attention = attention,
        EmbeddingDim = 16,
        EncoderHidden = 16,
        DecoderHidden = 32,
        AttentionDim = 16,
        Dropout = 0.0,
    };

    /// <summary>Sentence pairs of the reverse-and-translate task, and subword tokenizers learned on them.</summary>
    private static (List<string> Src, List<string> Trg, SubwordTokenizer SrcTok, SubwordTokenizer TrgTok) Pairs(int count, int seed)
    {
        var rng = new Random(seed);
        var src = new List<string>();
        var trg = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var idx = Enumerable.Range(0, rng.Next(2, 6)).Select(_ => rng.Next(French.Length)).ToArray();
            src.Add(string.Join(' ', idx.Select(k => French[k])));
            trg.Add(string.Join(' ', idx.Reverse().Select(k => English[k])));
        }
        // Learned on every word, so that a word of the task is never cut into characters.
        return (src, trg, SubwordTokenizer.Learn([.. French, .. French, .. src], 80), SubwordTokenizer.Learn([.. English, .. English, .. trg], 80));
    }

    /// <summary>A config whose model directory is <paramref name="root"/>/model (the data keys are never read here).</summary>
    private static Seq2SeqConfig Config(string root, ModelConfig model) => new()
    {
        Name = "variant",
        ModelDir = Path.Combine(root, "model"),
        Threads = 1,
        Data = new DataConfig { Train = Path.Combine(root, "train"), Dev = Path.Combine(root, "dev"), Src = "fr", Trg = "en" },
        Model = model,
        Training = new TrainingConfig { MaxSteps = 1, Epochs = 0 },
        Testing = new TestingConfig { BeamSize = 1 },
    };

    /// <summary>Writes what <c>train</c> writes and <c>translate</c> reads: config.yaml, both subword models and best.ckpt.</summary>
    private static void WriteModelDirectory(Seq2SeqConfig config, Seq2SeqModel model, SubwordTokenizer srcTok, SubwordTokenizer trgTok)
    {
        var dir = new ModelDirectory(config.ModelDir);
        Directory.CreateDirectory(dir.Path);
        File.WriteAllText(dir.ConfigFile, ConfigLoader.ToYaml(config));
        srcTok.Save(dir.Path, ModelDirectory.SourcePrefix);
        trgTok.Save(dir.Path, ModelDirectory.TargetPrefix);
        Checkpoint.Save(dir.BestCheckpoint, model, new TrainingState { Step = 1 }, optimizer: null);
    }

    /// <summary>Trains <paramref name="model"/> on one batch; returns the first and the last loss per target token.</summary>
    private static (float First, float Last) Overfit(Seq2SeqModel model, Batch batch, int steps)
    {
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 0.02);
        float first = 0, last = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var loss = TrainingLoss.BatchLoss(model, batch, 0.0) / batch.TrgTokens;
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        model.eval();
        return (first, last);
    }

    /// <summary>The log-probability of <paramref name="ids"/> followed by EOS given one source, by teacher forcing.</summary>
    private static double ForcedLogProbability(Seq2SeqModel model, int[] src, int[] ids)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var batch = Batch.Create([src], [ids], [0], CPU);
        var logp = nn.functional.log_softmax(model.Forward(batch.Src, batch.SrcLengths, batch.TrgIn), dim: -1); // (1, T, V)
        return logp.gather(2, batch.TrgOut.unsqueeze(2)).sum().item<float>();
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EachVariantOverfitsOneBatchAndRoundTripsThroughItsModelDirectory(RnnType rnnType, AttentionType attention)
    {
        random.manual_seed(11);
        var (src, trg, srcTok, trgTok) = Pairs(8, seed: 2);
        var srcIds = src.Select(srcTok.Encode).ToList();
        var trgIds = trg.Select(trgTok.Encode).ToList();
        var config = Config(TestPaths.NewTempDir(), Tiny(rnnType, attention));
        using var model = new Seq2SeqModel(config.Model, srcTok.VocabSize, trgTok.VocabSize);
        Assert.Equal(attention != AttentionType.None, model.HasAttention);
        using var batch = Batch.Create(srcIds, trgIds, [.. Enumerable.Range(0, src.Count)], CPU);

        var (first, last) = Overfit(model, batch, steps: 60);
        Assert.True(last < 0.05f * first, $"{rnnType}/{attention}: loss {first} → {last}");
        using var limits = full([src.Count], 20L, dtype: ScalarType.Int64);
        var greedy = GreedySearch.Decode(model, batch.Src, batch.SrcLengths, limits);
        Assert.Equal(trg, greedy.Select(h => trgTok.Decode(h.Ids)));

        // Save, load from the directory (config.yaml names the variant), translate: the same outputs and scores.
        WriteModelDirectory(config, model, srcTok, trgTok);
        using var translator = Translator.Load(config.ModelDir, "cpu");
        Assert.Equal(rnnType, translator.Config.Model.RnnType);
        Assert.Equal(attention, translator.Config.Model.Attention);
        var loaded = translator.Translate(src, new DecodingOptions { BeamSize = 1 });
        Assert.Equal(trg, loaded.Select(t => t.Text));
        for (int i = 0; i < src.Count; i++) Assert.Equal(greedy[i].Score, loaded[i].LogProbability, tolerance: 1e-4);

        // Beam search over the loaded model: every hypothesis scores what teacher forcing gives its ids under the
        // in-memory model, so states (the LSTM cell included) and the source follow their beams.
        var beams = BeamSearch.Decode(translator.Model, batch.Src, batch.SrcLengths, limits, beamSize: 3, alpha: 0, nBest: 3);
        for (int i = 0; i < src.Count; i++)
        {
            Assert.Equal(trgIds[i], beams[i][0].Ids);
            foreach (var h in beams[i].Where(h => h.Ids.Length < 20))
                Assert.Equal(ForcedLogProbability(model, srcIds[i], h.Ids), h.Score, tolerance: 1e-3);
        }
    }

    [Fact]
    public void TheLstmBridgeCarriesTheEncoderCellStateIntoTheDecoder()
    {
        random.manual_seed(4);
        using var model = new Seq2SeqModel(Tiny(RnnType.Lstm, AttentionType.Bahdanau), 20, 20);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var src = tensor(new long[] { 5, 6, 7, SubwordTokenizer.EosId, 8, 9, SubwordTokenizer.EosId, SubwordTokenizer.PadId }, [2, 4]);
        var encoded = model.Encoder.call(src, tensor(new long[] { 4, 3 }));
        Assert.NotNull(encoded.FinalCell);
        Assert.Equal([2L, 32L], encoded.FinalCell!.shape);
        Assert.False(encoded.FinalCell.allclose(encoded.Final), "the final cell state is not the final hidden state");

        var state = model.Decoder.InitialState(encoded);
        Assert.NotNull(state.Cell);
        Assert.Equal([2L, 32L], state.Cell!.shape);
        Assert.False(state.Cell[0].allclose(state.Cell[1]), "two sources, one initial cell state");
        // c_0 comes from the encoder's final cell state (h_0 does not), and the first step reads it.
        var other = model.Decoder.InitialState(encoded with { FinalCell = zeros_like(encoded.FinalCell) });
        Assert.True(state.Hidden.eq(other.Hidden).all().item<bool>());
        Assert.False(state.Cell.allclose(other.Cell!));
        var source = model.Decoder.Prepare(encoded, src);
        var bos = model.Decoder.Embed(full([2], SubwordTokenizer.BosId, dtype: ScalarType.Int64));
        var (fromEncoder, _) = model.Decoder.Step(bos, state, source);
        var (fromOther, _) = model.Decoder.Step(bos, other, source);
        Assert.False(fromEncoder.Hidden.allclose(fromOther.Hidden));
        Assert.False(fromEncoder.Cell!.allclose(fromOther.Cell!));

        using var gru = new Seq2SeqModel(Tiny(RnnType.Gru, AttentionType.Bahdanau), 20, 20);
        var gruEncoded = gru.Encoder.call(src, tensor(new long[] { 4, 3 }));
        Assert.Null(gruEncoded.FinalCell);
        Assert.Null(gru.Decoder.InitialState(gruEncoded).Cell);
    }

    [Theory]
    [InlineData(RnnType.Lstm, AttentionType.Bahdanau)]
    [InlineData(RnnType.Lstm, AttentionType.LuongGeneral)]
    [InlineData(RnnType.Gru, AttentionType.None)]
    [InlineData(RnnType.Lstm, AttentionType.None)]
    public void BeamOfOneIsExactlyGreedy(RnnType rnnType, AttentionType attention)
    {
        random.manual_seed(6);
        using var model = new Seq2SeqModel(Tiny(rnnType, attention), 30, 30);
        model.eval();
        var rng = new Random(8);
        var rows = Enumerable.Range(0, 24).Select(_ => Enumerable.Range(0, rng.Next(1, 10)).Select(_ => rng.Next(4, 30)).ToArray()).ToArray();
        var (src, lengths, _) = Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
        // Limits from 2 to 25: sentences leave the running batch at many different steps.
        var limits = tensor(Enumerable.Range(0, rows.Length).Select(i => 2L + i % 24).ToArray());
        var greedy = GreedySearch.Decode(model, src, lengths, limits);
        Assert.Contains(greedy, h => h.Ids.Length > 3);
        foreach (double alpha in new[] { 0.0, 1.0 })
        {
            var beam = BeamSearch.Decode(model, src, lengths, limits, beamSize: 1, alpha: alpha);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(greedy[i].Ids, beam[i][0].Ids);
                Assert.Equal(greedy[i].Score, beam[i][0].Score, tolerance: 1e-4);
            }
        }
    }

    [Fact]
    public void LuongDotWithDifferentSizesIsAConfigErrorNamingTheKey()
    {
        const string yaml = """
            model_dir: m
            data:
              train: t
              dev: d
              src: fr
              trg: en
            model:
              encoder_hidden: 128
              decoder_hidden: 200
              attention: luong_dot
            """;
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml, "dot.yaml"));
        Assert.StartsWith("dot.yaml:10: model.attention: luong_dot", e.Message);
        Assert.Contains("model.decoder_hidden (200)", e.Message);
        Assert.Contains("(128 × 2 directions = 256)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        ConfigLoader.Parse(yaml.Replace("decoder_hidden: 200", "decoder_hidden: 256"), "dot.yaml");
        ConfigLoader.Parse(yaml.Replace("luong_dot", "luong_general"), "general.yaml");

        // A config built in code meets the same rule when the model is built.
        var model = Tiny(RnnType.Gru, AttentionType.LuongDot) with { DecoderHidden = 24 };
        var built = Assert.Throws<UserErrorException>(() => new Seq2SeqModel(model, 20, 20));
        Assert.StartsWith("model.attention: luong_dot", built.Message);

        // And `seq2seq train` says it in one line, exit code 1.
        string dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "dot.yaml"), yaml);
        string line = CliProcess.AssertUserError(CliProcess.Run(dir, "train", "dot.yaml"));
        Assert.StartsWith("seq2seq: dot.yaml:10: model.attention", line);
    }

    [Theory]
    [InlineData("rnn_type: gru", "rnn_type: lstn", "model.rnn_type: unknown value 'lstn' (allowed: gru, lstm, rnn) (did you mean 'lstm'?)")]
    [InlineData("attention: bahdanau", "attention: luong", "model.attention: unknown value 'luong' (allowed: bahdanau, luong_dot, luong_general, none)")]
    public void UnknownVariantsAreConfigErrorsListingTheAllowedValues(string find, string replace, string expected)
    {
        string yaml = ConfigLoader.ToYaml(Config(TestPaths.NewTempDir(), new ModelConfig()));
        Assert.Contains(find, yaml);
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml.Replace(find, replace), "v.yaml"));
        int line = yaml.Split('\n').ToList().FindIndex(l => l.Contains(find)) + 1;
        Assert.Equal($"v.yaml:{line}: {expected}", e.Message);
    }

    [Fact]
    public void AlignmentsAndAttentionOfAModelWithoutAttentionAreUserErrors()
    {
        random.manual_seed(9);
        var (src, _, srcTok, trgTok) = Pairs(4, seed: 3);
        var config = Config(TestPaths.NewTempDir(), Tiny(RnnType.Gru, AttentionType.None));
        using (var model = new Seq2SeqModel(config.Model, srcTok.VocabSize, trgTok.VocabSize))
            WriteModelDirectory(config, model, srcTok, trgTok);
        using var translator = Translator.Load(config.ModelDir, "cpu");
        Assert.False(translator.HasAttention);
        Assert.Equal(4, translator.Translate(src).Count);
        foreach (int beam in new[] { 1, 3 })
        {
            var e = Assert.Throws<UserErrorException>(() => translator.Translate(src, new DecodingOptions { BeamSize = beam, KeepAttention = true }));
            Assert.Contains("model.attention is none", e.Message);
            Assert.Throws<UserErrorException>(() => translator.TranslateStream(src, new DecodingOptions { BeamSize = beam, KeepAttention = true }));
        }
        using var lengths = tensor(new long[] { 2 });
        using var one = tensor(new long[] { 5, SubwordTokenizer.EosId }, [1, 2]);
        using var limit = tensor(new long[] { 5 });
        Assert.Throws<UserErrorException>(() => GreedySearch.Decode(translator.Model, one, lengths, limit, keepAttention: true));
        Assert.Throws<UserErrorException>(() => BeamSearch.Decode(translator.Model, one, lengths, limit, 2, 1.0, keepAttention: true));
        using var generator = new Generator(1);
        Assert.Throws<UserErrorException>(() => SamplingSearch.Decode(translator.Model, one, lengths, limit, 1.0, 0, generator, keepAttention: true));

        string dir = TestPaths.NewTempDir(), input = Path.Combine(dir, "in.txt");
        File.WriteAllLines(input, src);
        foreach (string flag in new[] { "--alignments", "--attention", "--attention-svg" })
        {
            string output = Path.Combine(dir, "out" + flag);
            string line = CliProcess.AssertUserError(CliProcess.Run(dir, "translate", "--model", config.ModelDir, "--input", input, flag, output));
            Assert.Equal($"seq2seq: {flag}: the model in {config.ModelDir} has no attention (model.attention: none), so there are no attention weights to write", line);
            Assert.False(File.Exists(output));
            Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
        }
        var (code, text, err) = CliProcess.Run(dir, "translate", "--model", config.ModelDir, "--input", input);
        Assert.True(code == 0, err);
        Assert.Equal(src.Count, text.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void AnOldGruBahdanauModelDirectoryWithoutTheVariantKeysStillLoads()
    {
        random.manual_seed(10);
        var (src, trg, srcTok, trgTok) = Pairs(6, seed: 4);
        var config = Config(TestPaths.NewTempDir(), Tiny(RnnType.Gru, AttentionType.Bahdanau));
        using (var model = new Seq2SeqModel(config.Model, srcTok.VocabSize, trgTok.VocabSize))
        {
            // The parameter names a checkpoint holds: these are those of the checkpoints written before rnn_type and
            // attention had other values, so those load into today's GRU + Bahdanau model.
            Assert.Equal(
                [
                    "encoder.embed.weight",
                    "encoder.rnn.weight_ih_l0", "encoder.rnn.weight_hh_l0", "encoder.rnn.bias_ih_l0", "encoder.rnn.bias_hh_l0",
                    "encoder.rnn.weight_ih_l0_reverse", "encoder.rnn.weight_hh_l0_reverse", "encoder.rnn.bias_ih_l0_reverse", "encoder.rnn.bias_hh_l0_reverse",
                    "decoder.embed.weight", "decoder.bridge.weight", "decoder.bridge.bias",
                    "decoder.cell.weight_ih", "decoder.cell.weight_hh", "decoder.cell.bias_ih", "decoder.cell.bias_hh",
                    "decoder.attention.keyLayer.weight", "decoder.attention.queryLayer.weight", "decoder.attention.energyLayer.weight",
                    "decoder.combine.weight", "decoder.output.weight", "decoder.output.bias",
                ],
                model.state_dict().Keys);
            WriteModelDirectory(config, model, srcTok, trgTok);
        }
        var options = new DecodingOptions { BeamSize = 2, KeepAttention = true };
        List<Translation> before;
        using (var translator = Translator.Load(config.ModelDir, "cpu")) before = [.. translator.Translate(src, options)];

        string file = new ModelDirectory(config.ModelDir).ConfigFile;
        var lines = File.ReadAllLines(file);
        var old = lines.Where(l => !l.TrimStart().StartsWith("rnn_type:") && !l.TrimStart().StartsWith("attention:")).ToArray();
        Assert.Equal(lines.Length - 2, old.Length);
        File.WriteAllLines(file, old);
        using var loaded = Translator.Load(config.ModelDir, "cpu");
        Assert.Equal(RnnType.Gru, loaded.Config.Model.RnnType);
        Assert.Equal(AttentionType.Bahdanau, loaded.Config.Model.Attention);
        var after = loaded.Translate(src, options);
        Assert.Equal(before.Select(t => t.Text), after.Select(t => t.Text));
        Assert.Equal(before.Select(t => t.Score), after.Select(t => t.Score));
        Assert.Equal(before.Select(t => t.Attention![0]), after.Select(t => t.Attention![0]));
    }
}
