// The inputs of `ccimage aci policygen`, named after the `az confcom acipolicygen` options they stand for.
namespace CcImage.Core.Aci.Policy;

public sealed record PolicyGenOptions
{
    /// <summary>-a / --arm-template: the ARM template (rewritten with the policy in the inject mode).</summary>
    public required string TemplatePath { get; init; }

    /// <summary>-p / --arm-template-parameters: an ARM parameters file, or null.</summary>
    public string? ParametersPath { get; init; }

    /// <summary>--tar: one image archive, or a JSON file mapping image names to archives.</summary>
    public string? TarMapping { get; init; }

    public PolicyOutputMode Mode { get; init; } = PolicyOutputMode.Inject;
    public bool DebugMode { get; init; }
    public bool OmitId { get; init; }
    public bool DisableStdio { get; init; }

    /// <summary>--exclude-default-fragments: accepted; confcom 1.2.7 ignores it for ARM templates (its fix came in 1.3.1).</summary>
    public bool ExcludeDefaultFragments { get; init; }

    /// <summary>-y / --approve-wildcards: answer yes to every wildcard question instead of asking.</summary>
    public bool ApproveWildcards { get; init; }

    /// <summary>The confcom release whose output is reproduced (see ConfcomFacts).</summary>
    public string ConfcomVersion { get; init; } = ConfcomFacts.Version127;
}
