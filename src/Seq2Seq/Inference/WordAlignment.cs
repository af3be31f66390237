using System.Text;
using Seq2Seq.Text;

namespace Seq2Seq.Inference;

/// <summary>
/// Hard word alignments from attention. Tokens are merged back into words: a token starting with ▁
/// (<see cref="TextTokenizer.WordMarker"/>) begins a word, any other continues the previous one (the first
/// token always begins word 0). This covers BPE subwords ("▁mai" "son") and characters alike, where the space
/// token "▁" begins the word after it ("l" "e" "▁" "c" "h" "a" "t" are the words "le" and "chat"); at the
/// <see cref="TokenLevel.Word"/> level every token is a word of its own. Words are numbered from 0 among the
/// non-empty ones (a lone "▁" from a repeated space is skipped), i.e. like <c>line.Split(' ', RemoveEmptyEntries)</c>.
/// The EOS row and column are ignored.
/// </summary>
/// <remarks>
/// The rule: for each target word j, sum the attention of every (target token of j, source token of i)
/// pair; j is aligned to the one source word i with the largest sum (the lowest i on a tie). Every target
/// word gets exactly one link; a source word may get none or several.
/// </remarks>
public static class WordAlignment
{
    /// <summary>
    /// Aligns the words of <paramref name="targetTokens"/> to those of <paramref name="sourceTokens"/> using
    /// <paramref name="attention"/> (one row per target token, possibly plus EOS; one column per source
    /// token, possibly plus EOS). Returns (source word, target word) pairs ordered by target word.
    /// <paramref name="sourceLevel"/> and <paramref name="targetLevel"/> say what the tokens of each side are.
    /// </summary>
    public static List<(int Source, int Target)> Compute(IReadOnlyList<string> sourceTokens, IReadOnlyList<string> targetTokens,
        float[][] attention, TokenLevel sourceLevel = TokenLevel.Bpe, TokenLevel targetLevel = TokenLevel.Bpe)
    {
        var result = new List<(int, int)>();
        var (srcWord, srcWords) = WordIndices(sourceTokens, sourceLevel);
        var (trgWord, trgWords) = WordIndices(targetTokens, targetLevel);
        if (srcWords == 0 || trgWords == 0) return result;
        var mass = new double[trgWords, srcWords];
        int rows = Math.Min(targetTokens.Count, attention.Length);
        for (int t = 0; t < rows; t++)
        {
            if (trgWord[t] < 0) continue;
            int cols = Math.Min(sourceTokens.Count, attention[t].Length);
            for (int s = 0; s < cols; s++)
                if (srcWord[s] >= 0) mass[trgWord[t], srcWord[s]] += attention[t][s];
        }
        for (int j = 0; j < trgWords; j++)
        {
            int best = 0;
            for (int i = 1; i < srcWords; i++)
                if (mass[j, i] > mass[j, best]) best = i;
            result.Add((best, j));
        }
        return result;
    }

    /// <summary>Pairs in the usual "i-j" form (source-target, 0-based), separated by spaces.</summary>
    public static string Format(IEnumerable<(int Source, int Target)> pairs)
    {
        var sb = new StringBuilder();
        foreach (var (s, t) in pairs)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(s).Append('-').Append(t);
        }
        return sb.ToString();
    }

    /// <summary>Word index of every token (-1 for the lone ▁ of an empty word) and the number of non-empty words.</summary>
    private static (int[] Index, int Count) WordIndices(IReadOnlyList<string> tokens, TokenLevel level)
    {
        var index = new int[tokens.Count];
        if (level == TokenLevel.Word)
        {
            for (int k = 0; k < tokens.Count; k++) index[k] = k;
            return (index, tokens.Count);
        }
        int count = 0;
        for (int k = 0; k < tokens.Count; k++)
        {
            bool starts = k == 0 || (tokens[k].Length > 0 && tokens[k][0] == TextTokenizer.WordMarker);
            bool empty = tokens[k] == TextTokenizer.WordMarker.ToString()
                && (k + 1 == tokens.Count || (tokens[k + 1].Length > 0 && tokens[k + 1][0] == TextTokenizer.WordMarker));
            if (empty)
            {
                index[k] = -1;
                continue;
            }
            if (starts || count == 0) count++;
            index[k] = count - 1;
        }
        return (index, count);
    }
}
