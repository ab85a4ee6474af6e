// A written CVM bundle: the .tgz, its id (the folder inside is cvm_<id>) and the measurement it launches with.
namespace CcImage.Core.Provisioning;

public sealed record CvmBundleResult(string Path, string Id, string MeasurementHex)
{
    public string FolderName => CvmBundle.FolderPrefix + Id;
}
