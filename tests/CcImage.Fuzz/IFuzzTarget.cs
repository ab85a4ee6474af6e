// A fuzz target in the libFuzzer style: one entry point that takes arbitrary bytes. It returns normally when the
// input was accepted, throws a CcImageException for a clean rejection, and anything else is a finding (a crash, or a
// FuzzPropertyException when a property such as "a failed change leaves the file unchanged" does not hold).
namespace CcImage.Fuzz;

internal interface IFuzzTarget
{
    /// <summary>The name used on the command line, for the corpus folder and in the report.</summary>
    string Name { get; }

    /// <summary>What the target reads, for `list`.</summary>
    string Description { get; }

    /// <summary>Runs one input; <paramref name="scratch"/> is a private folder for files the reader needs.</summary>
    void Run(byte[] input, string scratch);

    /// <summary>The byte ranges of <paramref name="seed"/> this target's reader cares about most (empty: all of it).</summary>
    IReadOnlyList<(int Start, int Length)> Focus(byte[] seed);
}
