// Every fuzz target, by name: one per reader of untrusted bytes.
using CcImage.Fuzz.Targets;

namespace CcImage.Fuzz;

internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new Qcow2HeaderTarget(),
        new Qcow2TablesTarget(),
        new Qcow2RefcountTarget(),
        new GptHeaderTarget(),
        new GptEntriesTarget(),
        new MbrTarget(),
        new VeritySuperblockTarget(),
        new OvmfFooterTarget(),
        new SevMetadataTarget(),
        new CpioTarget(),
    ];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
