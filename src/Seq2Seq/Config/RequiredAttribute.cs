namespace Seq2Seq.Config;

/// <summary>A config key that must be present in the file and, when it is a string, not empty.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;
