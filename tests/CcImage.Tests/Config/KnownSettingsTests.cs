// The known settings come from the SDK's own files: every property its props/targets define or docs/properties.md
// documents, and the metadata PartitionSpec reads; misspelt names get the known name they were meant to be.
using CcImage.Core.Config;
using CcImage.Core.Disk;

namespace CcImage.Tests.Config;

[TestClass]
public class KnownSettingsTests
{
    private static readonly string[] SdkFolders = ["Sdk", "build"];

    private static KnownSettings Repository() => KnownSettings.FromFiles(
        SdkFolders.SelectMany(d => Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", d))),
        Path.Combine(TestPaths.RepoRoot, "docs", "properties.md"));

    [TestMethod]
    public void FromFiles_Repository_KnowsDefaultsTargetsAndDocumentedProperties()
    {
        var known = Repository();
        foreach (string name in new[] { "CcRole", "CcImageSeed", "CcDiskSize", "CcImageSize", "CcVcpus", "CcMeasurementFile", "CcBuildDependsOn" })
            Assert.IsTrue(known.IsProperty(name), name);
        Assert.IsFalse(known.IsProperty("CcDiskSise"));
        CollectionAssert.AreEqual(PartitionSpec.MetadataNames.ToArray(), known.MetadataOf("CcPartition").ToArray());
    }

    [TestMethod]
    [DataRow("CcDiskSise", "CcDiskSize")]
    [DataRow("ccrole", "CcRole")]
    [DataRow("CcImagSeed", "CcImageSeed")]
    [DataRow("CcMyOwnSetting", null)]
    public void SuggestProperty_CloseName_ReturnsKnownOne(string name, string? expected) =>
        Assert.AreEqual(expected, Repository().SuggestProperty(name));

    [TestMethod]
    [DataRow("Sise", "Size")]
    [DataRow("Label", "PartitionLabel")]
    [DataRow("content", "Content")]
    [DataRow("Mountpont", "MountPoint")]
    [DataRow("Colour", null)]
    public void SuggestMetadata_MisspeltOrContained_ReturnsKnownOne(string name, string? expected) =>
        Assert.AreEqual(expected, Repository().SuggestMetadata("CcPartition", name));

    [TestMethod]
    public void SuggestItemType_PluralOfKnownType_ReturnsIt() =>
        Assert.AreEqual("CcPartition", Repository().SuggestItemType("CcPartitions"));
}
