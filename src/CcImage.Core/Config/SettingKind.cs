// How a setting's text is read and checked (ProjectSettings applies it and names the setting in its error).
namespace CcImage.Core.Config;

public enum SettingKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>A path, relative to the project folder.</summary>
    Path,

    /// <summary>A size such as 10G or 512M (SizeParser).</summary>
    Size,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A whole number.</summary>
    Number,

    /// <summary>One of the setting's Choices.</summary>
    Choice,

    /// <summary>64 hex digits.</summary>
    Sha256,
}
