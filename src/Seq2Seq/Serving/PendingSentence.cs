namespace Seq2Seq.Serving;

/// <summary>A sentence waiting for a decoding batch: its request, its place in it, and when it arrived.</summary>
internal readonly record struct PendingSentence(PendingRequest Request, int Index, string Text, long ArrivedTicks);
