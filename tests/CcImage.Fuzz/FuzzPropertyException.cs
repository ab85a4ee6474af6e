// Thrown by a fuzz target when the reader ran without crashing but broke a property it promises (a failed in-place
// change modified the file; a GPT that was grown cannot be read back; an archive does not read back as written).
namespace CcImage.Fuzz;

internal sealed class FuzzPropertyException(string message) : Exception(message);
