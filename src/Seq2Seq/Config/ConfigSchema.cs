using System.Reflection;

namespace Seq2Seq.Config;

/// <summary>
/// The shape of a config record as the YAML sees it: its keys are the settable public properties, in declaration
/// order, and a property whose type is another record of this namespace is a section of keys.
/// </summary>
internal static class ConfigSchema
{
    /// <summary>Public instance properties of a config record, in declaration order.</summary>
    public static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken);

    /// <summary>A nested section: one of the config records (a class in this namespace; <see cref="TestSets"/> is a value).</summary>
    public static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(TestSets) && type.Namespace == typeof(Seq2SeqConfig).Namespace;

    /// <summary>The enum type of a closed-choice key (<c>RnnType</c>, or <c>TokenLevel</c> of a <c>TokenLevel?</c>); null for other keys.</summary>
    public static Type? ChoiceType(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } e ? e : null;

    /// <summary>Every leaf key of <paramref name="record"/> in schema order: its dotted snake_case path, property and value.</summary>
    public static IEnumerable<(string Path, PropertyInfo Property, object? Value)> Leaves(object record, string prefix = "")
    {
        foreach (var property in Properties(record.GetType()))
        {
            var path = prefix + ConfigNames.SnakeCase(property.Name);
            var value = property.GetValue(record);
            if (IsSection(property.PropertyType))
            {
                foreach (var leaf in Leaves(value!, path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, property, value);
            }
        }
    }
}
