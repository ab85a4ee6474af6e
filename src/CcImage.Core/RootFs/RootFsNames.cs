// What the root filesystem settings may hold, checked before any of them reaches a command line or a hook script:
// package names and versions (Debian Policy §5.6.1 Package, §5.6.12 Version), architectures, suite names, locales,
// timezone names (tz database: Area/Location with letters, digits, '_', '-', '+'), owners (user:group, names as
// useradd(8) accepts them or numbers) and image paths.
using System.Text.RegularExpressions;

namespace CcImage.Core.RootFs;

public static partial class RootFsNames
{
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex PackageNamePattern();

    [GeneratedRegex("^[A-Za-z0-9.+~:-]+$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex ArchitecturePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SuitePattern();

    [GeneratedRegex("^[a-z]{2,3}_[A-Z]{2}\\.UTF-8$")]
    private static partial Regex GeneratedLocalePattern();

    [GeneratedRegex("^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")]
    private static partial Regex TimezonePattern();

    [GeneratedRegex("^([a-z_][a-z0-9_-]*[$]?|[0-9]+)$")]
    private static partial Regex AccountPattern();

    /// <summary>The locale every image can use without generating anything (glibc ≥ 2.35 ships it in libc-bin).</summary>
    public const string BuiltInLocale = "C.UTF-8";

    public static bool IsPackageName(string name) => PackageNamePattern().IsMatch(name);

    public static bool IsVersion(string version) => VersionPattern().IsMatch(version);

    public static bool IsArchitecture(string architecture) => ArchitecturePattern().IsMatch(architecture);

    public static bool IsSuite(string suite) => SuitePattern().IsMatch(suite);

    /// <summary>A package request: <c>name</c> or <c>name=version</c>.</summary>
    public static bool IsPackageRequest(string request)
    {
        int equals = request.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? IsPackageName(request) : IsPackageName(request[..equals]) && IsVersion(request[(equals + 1)..]);
    }

    /// <summary>The package name of a request (what comes before <c>=</c>).</summary>
    public static string PackageOf(string request) => request.Split('=')[0];

    /// <summary>C.UTF-8, or a locale localedef generates: <c>ll_CC.UTF-8</c>.</summary>
    public static bool IsLocale(string locale) => locale == BuiltInLocale || GeneratedLocalePattern().IsMatch(locale);

    public static bool IsTimezone(string timezone) =>
        TimezonePattern().IsMatch(timezone) && !timezone.Split('/').Any(part => part is "." or "..");

    /// <summary><c>user</c>, <c>user:group</c>, <c>uid:gid</c>.</summary>
    public static bool IsOwner(string owner)
    {
        var parts = owner.Split(':');
        return parts.Length is 1 or 2 && parts.All(p => AccountPattern().IsMatch(p));
    }

    /// <summary>Why <paramref name="path"/> is not a normalised absolute path in the image, or null when it is.</summary>
    public static string? ImagePathProblem(string path)
    {
        if (!path.StartsWith('/'))
            return "it does not start with /";
        if (path.EndsWith('/'))
            return "it names a folder, not a file";
        if (path.Any(c => c is '\0' or '\n' or '\r'))
            return "it contains a control character";
        if (path.Split('/').Skip(1).Any(part => part is "" or "." or ".."))
            return "it has an empty, '.' or '..' component";
        return null;
    }
}
