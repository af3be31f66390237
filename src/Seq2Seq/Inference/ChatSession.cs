namespace Seq2Seq.Inference;

/// <summary>
/// A conversation with a model: every <see cref="Reply"/> answers one line of the user. The model reads only that
/// line, unless <see cref="HistoryTurns"/> asks for context: then it reads the last N exchanges (prompt, reply,
/// prompt, reply, ...) and the new line, joined with <see cref="Separator"/>; older exchanges are left out first
/// when that would be longer than <see cref="DecodingOptions.MaxSourceLength"/> subwords.
/// With sampling, turn i draws with seed <see cref="DecodingOptions.Seed"/> + i, so a conversation replays the
/// same way from the same seed while a repeated line can get a different reply.
/// </summary>
/// <example>
/// <code>
/// using var translator = Translator.Load("models/chatbot");
/// var chat = new ChatSession(translator, translator.DefaultOptions with { BeamSize = 1 });
/// Console.WriteLine(chat.Reply("What is two plus three?").Text);
/// </code>
/// </example>
public sealed class ChatSession
{
    private readonly Translator translator;
    private readonly DecodingOptions options;
    private readonly List<(string Prompt, string Reply)> turns = [];
    private long turn;

    /// <summary>The default <see cref="Separator"/>.</summary>
    public const string DefaultSeparator = " | ";

    /// <summary>Starts a conversation with <paramref name="translator"/>'s model, decoding with <paramref name="options"/>.</summary>
    /// <exception cref="UserErrorException">An option is out of range, <paramref name="historyTurns"/> is negative, or the separator is empty.</exception>
    public ChatSession(Translator translator, DecodingOptions options, int historyTurns = 0, string separator = DefaultSeparator)
    {
        ArgumentNullException.ThrowIfNull(translator);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (historyTurns < 0) throw new UserErrorException($"history must be ≥ 0 turns (got {historyTurns})");
        if (string.IsNullOrEmpty(separator)) throw new UserErrorException("the history separator must not be empty");
        this.translator = translator;
        this.options = options;
        HistoryTurns = historyTurns;
        Separator = separator;
    }

    /// <summary>How many earlier exchanges the model reads before the new line (0 = none).</summary>
    public int HistoryTurns { get; }

    /// <summary>What joins the prompts and replies of the history and the new line.</summary>
    public string Separator { get; }

    /// <summary>The last <see cref="HistoryTurns"/> exchanges, oldest first (empty lines are not exchanges).</summary>
    public IReadOnlyList<(string Prompt, string Reply)> Turns => turns;

    /// <summary>The text the model would read for <paramref name="prompt"/> now: the prompt, after the history when asked for.</summary>
    public string ModelInput(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        int first = 0;
        while (true)
        {
            var parts = turns.Skip(first).SelectMany(t => new[] { t.Prompt, t.Reply }).Append(prompt);
            string input = string.Join(Separator, parts);
            if (first == turns.Count || SubwordCount(input) <= options.MaxSourceLength) return input;
            first++;
        }
    }

    /// <summary>
    /// Replies to <paramref name="prompt"/> and remembers the exchange. An empty (or all-space) line gets an empty
    /// reply and is not remembered.
    /// </summary>
    public Translation Reply(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (string.IsNullOrWhiteSpace(prompt)) return translator.Translate([prompt], options)[0];
        var decoding = options.Sample ? options with { Seed = unchecked(options.Seed + turn) & long.MaxValue } : options;
        var reply = translator.Translate([ModelInput(prompt)], decoding)[0];
        turn++;
        turns.Add((prompt, reply.Text));
        if (turns.Count > HistoryTurns) turns.RemoveRange(0, turns.Count - HistoryTurns);
        return reply;
    }

    private int SubwordCount(string text) =>
        translator.SourceTokenizer.Encode(translator.Config.Data.Lowercase ? text.ToLowerInvariant() : text).Length;
}
