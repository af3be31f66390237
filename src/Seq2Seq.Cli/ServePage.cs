using Microsoft.AspNetCore.Http;

namespace Seq2Seq.Cli;

/// <summary>The page at <c>/</c>: one self-contained HTML file (ServePage.html, embedded; no outside scripts or styles).</summary>
internal static class ServePage
{
    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(ServePage).Assembly.GetManifestResourceStream("Seq2Seq.Cli.ServePage.html")
            ?? throw new InvalidOperationException("ServePage.html is not embedded in the assembly");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    });

    public static Task Write(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = Html.Value.Length;
        return context.Response.Body.WriteAsync(Html.Value).AsTask();
    }
}
