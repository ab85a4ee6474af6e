// What `ccimage aci policygen` prints, after the `az confcom acipolicygen` output flags.
namespace CcImage.Core.Aci.Policy;

public enum PolicyOutputMode
{
    /// <summary>No output flag: write the base64 policy into the template and print the policy's sha256.</summary>
    Inject,

    /// <summary>--outraw: the policy as compact Rego text.</summary>
    Raw,

    /// <summary>--outraw-pretty-print: the policy with indented JSON.</summary>
    PrettyPrint,

    /// <summary>--print-policy: the base64 policy, printed instead of injected.</summary>
    PrintBase64,
}
