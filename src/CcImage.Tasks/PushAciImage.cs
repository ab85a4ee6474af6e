// Task: pushes aci/image.oci.tar to its registry over the OCI distribution API; the token comes from the environment
// variable or file the project names, never from a property value.
using CcImage.Core.Registry;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class PushAciImage : CcTask
{
    [Required] public string Archive { get; set; } = "";
    [Required] public string Image { get; set; } = "";
    public string User { get; set; } = "";
    public string TokenEnvironmentVariable { get; set; } = "";
    public string TokenFile { get; set; } = "";
    public bool InsecureHttp { get; set; }

    [Output] public string PushedReference { get; set; } = "";

    protected override void ExecuteCore()
    {
        var credentials = RegistryCredentials.From(string.IsNullOrEmpty(User) ? null : User, TokenEnvironmentVariable, TokenFile);
        var result = AciPush.Run(Archive, Image, credentials, InsecureHttp, CoreLog, CancellationToken);
        PushedReference = $"{result.Reference}@{result.ManifestDigest}";
    }
}
