namespace Seq2Seq.Observability;

/// <summary>What the horizontal axis of training curves counts.</summary>
public enum CurvesAxis
{
    /// <summary>Optimiser steps.</summary>
    Steps,

    /// <summary>Minutes of training (resumed runs continue their clock).</summary>
    Minutes,
}
