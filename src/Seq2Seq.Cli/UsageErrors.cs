using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Seq2Seq.Cli;

/// <summary>
/// Words System.CommandLine's parse errors in a user's terms. A value that does not convert names the flag, what it
/// expected and what it got ("--beam: expected a whole number, got 'five'"), never a .NET type name; every other
/// error keeps System.CommandLine's own message.
/// </summary>
internal static class UsageErrors
{
    /// <summary>One line for <paramref name="error"/>.</summary>
    public static string Describe(ParseError error)
    {
        var (symbol, tokens) = error.SymbolResult switch
        {
            ArgumentResult { Parent: OptionResult o } a => ((Symbol)o.Option, a.Tokens),
            OptionResult o => (o.Option, o.Tokens),
            ArgumentResult a => (a.Argument, a.Tokens),
            _ => ((Symbol?)null, (IReadOnlyList<Token>)[]),
        };
        if (symbol is null || Expected(ValueType(symbol)) is not var (expected, parses)) return error.Message;
        foreach (var token in tokens)
            if (!parses(token.Value)) return $"{Name(symbol)}: expected {expected}, got '{token.Value}'";
        return error.Message;
    }

    /// <summary>What a value of <paramref name="type"/> looks like to a user and how to check one; null for other types.</summary>
    private static (string Expected, Func<string, bool> Parses)? Expected(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(int) => ("a whole number", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
            var t when t == typeof(long) => ("a whole number", s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
            var t when t == typeof(double) || t == typeof(float) =>
                ("a decimal number", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
            var t when t == typeof(bool) => ("true or false", s => bool.TryParse(s, out _)),
            _ => null,
        };

    private static Type ValueType(Symbol symbol) => symbol switch
    {
        Option o => o.ValueType,
        Argument a => a.ValueType,
        _ => typeof(object),
    };

    private static string Name(Symbol symbol) => symbol is Argument a ? a.Name.ToUpperInvariant() : symbol.Name;
}
