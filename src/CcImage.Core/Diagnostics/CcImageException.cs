// The one exception type Core throws for bad input or a failed step: it carries a CCIMG code and, where known, the file and line.
namespace CcImage.Core.Diagnostics;

public sealed class CcImageException : Exception
{
    public CcImageException(string code, string message, string? file = null, int line = 0, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        File = file;
        Line = line;
    }

    /// <summary>The diagnostic code, e.g. <c>CCIMG2001</c>.</summary>
    public string Code { get; }

    /// <summary>The message without its code prefix.</summary>
    public string Text => Message;

    /// <summary>The file the problem is in, when known.</summary>
    public string? File { get; }

    /// <summary>The 1-based line in <see cref="File"/>, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The one-line form used by the CLI: <c>CCIMG2001: text</c>.</summary>
    public override string ToString() => $"{Code}: {Message}";
}
