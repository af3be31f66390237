using System.Globalization;

namespace Seq2Seq.Config;

/// <summary>
/// The values a numeric config key may take, declared on its property and checked when a config is read:
/// <c>[Range(Above = 0)]</c> is "must be positive", <c>[Range(From = 0)]</c> "must be 0 or more",
/// <c>[Range(From = 0, Below = 1)]</c> "must be in [0, 1)". A bound left unset (NaN) does not apply.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute : Attribute
{
    /// <summary>Smallest allowed value (inclusive).</summary>
    public double From { get; set; } = double.NaN;

    /// <summary>The value must be greater than this (exclusive lower bound).</summary>
    public double Above { get; set; } = double.NaN;

    /// <summary>Largest allowed value (inclusive).</summary>
    public double To { get; set; } = double.NaN;

    /// <summary>The value must be less than this (exclusive upper bound).</summary>
    public double Below { get; set; } = double.NaN;

    /// <summary>Whether <paramref name="value"/> is within the bounds (a comparison with an unset bound is false, so it passes).</summary>
    public bool Allows(double value) =>
        !(value < From) && !(value <= Above) && !(value > To) && !(value >= Below);

    /// <summary>The rule in words, as error messages state it: "must be positive", "must be in (0, 1]".</summary>
    public string Rule
    {
        get
        {
            bool hasLow = !double.IsNaN(From) || !double.IsNaN(Above), hasHigh = !double.IsNaN(To) || !double.IsNaN(Below);
            double low = double.IsNaN(From) ? Above : From, high = double.IsNaN(To) ? Below : To;
            if (hasLow && hasHigh)
            {
                return $"must be in {(double.IsNaN(From) ? "(" : "[")}{Text(low)}, {Text(high)}{(double.IsNaN(To) ? ")" : "]")}";
            }
            if (hasLow)
            {
                return (low, double.IsNaN(From)) switch
                {
                    (0, true) => "must be positive",
                    (_, true) => $"must be more than {Text(low)}",
                    _ => $"must be {Text(low)} or more",
                };
            }
            return double.IsNaN(To) ? $"must be less than {Text(high)}" : $"must be {Text(high)} or less";
        }
    }

    private static string Text(double bound) => bound.ToString(CultureInfo.InvariantCulture);
}
