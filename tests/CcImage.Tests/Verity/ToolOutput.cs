// What a reference tool run by the tests printed and returned.
namespace CcImage.Tests.Verity;

internal sealed record ToolOutput(int ExitCode, string StandardOutput, string StandardError);
