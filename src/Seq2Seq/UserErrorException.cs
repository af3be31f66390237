namespace Seq2Seq;

/// <summary>
/// A problem with what the user gave us (config, corpus, paths, flags), not a bug. The message is one
/// line that names the file, line or key; the CLI prints it without a stack trace and exits with 1.
/// </summary>
public sealed class UserErrorException : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public UserErrorException(string message) : base(message) { }

    /// <summary>Creates the error with its one-line message and the exception that caused it.</summary>
    public UserErrorException(string message, Exception inner) : base(message, inner) { }
}
