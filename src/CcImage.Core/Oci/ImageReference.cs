// Splits and completes container image references the way Docker reads them: registry host, repository, tag.
// Spec: distribution/reference (reference.go grammar); Docker's defaults (docker.io, library/, latest).
namespace CcImage.Core.Oci;

public static class ImageReference
{
    private const string DefaultRegistry = "docker.io";
    private const string DefaultTag = "latest";

    /// <summary>(repository with registry, tag); the tag is "latest" when none is given.</summary>
    public static (string Repository, string Tag) SplitTag(string reference)
    {
        int slash = reference.LastIndexOf('/');
        int colon = reference.LastIndexOf(':');
        return colon > slash ? (reference[..colon], reference[(colon + 1)..]) : (reference, DefaultTag);
    }

    /// <summary>(registry host, repository path, tag) of a reference.</summary>
    public static (string Registry, string Repository, string Tag) Parse(string reference)
    {
        var (repository, tag) = SplitTag(reference);
        int slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            string first = repository[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
                return (first, repository[(slash + 1)..], tag);
        }
        return (DefaultRegistry, repository.Contains('/', StringComparison.Ordinal) ? repository : "library/" + repository, tag);
    }

    /// <summary>The reference with registry and tag spelled out (containerd's image name).</summary>
    public static string FullyQualified(string reference)
    {
        var (registry, repository, tag) = Parse(reference);
        return $"{registry}/{repository}:{tag}";
    }
}
