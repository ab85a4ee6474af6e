// Everything a root filesystem tarball is built from (the CcDistribution, CcSuite, CcMirror, CcKeyring, CcPackage,
// CcDeb, CcFile, CcLocale, CcTimezone settings and an optional package lock), its validation, and its cache manifest:
// canonical JSON naming exactly what changes the tarball's bytes, whose SHA-256 keys the stage cache (mkosi's
// cache_manifest() is the model). Paths of input files are not in the manifest, their SHA-256 is, so two checkouts in
// different folders share cache entries.
using System.Globalization;
using System.Text.Json.Nodes;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Packages;

namespace CcImage.Core.RootFs;

public sealed record RootFsSpec
{
    /// <summary>Bumped whenever the builder changes what it puts in the tarball (hooks, cleanup, options).</summary>
    public const int ManifestFormatVersion = 1;

    /// <summary>The mmdebstrap variant: Essential and Priority: required packages plus apt, then the requested ones.</summary>
    public const string Variant = "minbase";

    public const string DefaultTimezone = "Etc/UTC";
    private const int PermissionBits = 0xFFF; // 07777
    private const string DefaultOwner = "0:0";

    /// <summary><c>debian</c> or <c>ubuntu</c> (<see cref="RootFsDistribution"/>).</summary>
    public string Distribution { get; init; } = RootFsDistribution.Debian.Name;

    public string Suite { get; init; } = "bookworm";

    /// <summary>The archive URI; null: the machine's main archive from its apt sources.</summary>
    public string? Mirror { get; init; }

    /// <summary>The keyring that signs the mirror; null: the distribution's default keyring file.</summary>
    public string? Keyring { get; init; }

    /// <summary>Archive components (Ubuntu keeps some packages in <c>universe</c>).</summary>
    public IReadOnlyList<string> Components { get; init; } = ["main"];

    public string Architecture { get; init; } = "amd64";

    /// <summary>Packages to install besides the minbase set: <c>name</c> or <c>name=version</c>.</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];

    /// <summary>Local .deb files installed after the packages, their dependencies resolved from the mirror.</summary>
    public IReadOnlyList<string> Debs { get; init; } = [];

    /// <summary>Extra files copied into the image after the packages and debs.</summary>
    public IReadOnlyList<RootFsFile> Files { get; init; } = [];

    /// <summary>SOURCE_DATE_EPOCH: the latest mtime in the tarball and the time maintainer scripts see.</summary>
    public long SourceDateEpoch { get; init; }

    /// <summary>C.UTF-8 (default, nothing generated) or a <c>ll_CC.UTF-8</c> locale generated with localedef --no-archive.</summary>
    public string Locale { get; init; } = RootFsNames.BuiltInLocale;

    /// <summary>A tz database name; <c>UTC</c> is read as <c>Etc/UTC</c>.</summary>
    public string Timezone { get; init; } = DefaultTimezone;

    /// <summary>Exact versions to install, from an earlier build's <see cref="RootFsResult.Lock"/>; null: resolve from the mirror.</summary>
    public PackageLock? Lock { get; init; }

    /// <summary>Where the machine's files are read from (etc/apt for the default mirror, etc/os-release); "/" outside tests.</summary>
    public string MachineRoot { get; init; } = "/";

    /// <summary>The timezone in its canonical spelling.</summary>
    public string CanonicalTimezone => Timezone is "UTC" or "Etc/UTC" or "" ? DefaultTimezone : Timezone;

    /// <summary>The requested packages, without duplicates, in ordinal order (the order mmdebstrap receives them).</summary>
    public IReadOnlyList<string> SortedPackages => Packages.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The packages the settings themselves need (localedef's data for a generated locale).</summary>
    public IReadOnlyList<string> ImpliedPackages => Locale == RootFsNames.BuiltInLocale ? [] : ["locales"];

    /// <summary>Checks every setting and that every input file exists (no network); CCIMG41xx on the first problem.</summary>
    public void Validate()
    {
        if (RootFsDistribution.Find(Distribution) == null)
            throw Invalid("CcDistribution", Distribution, "use " + string.Join(" or ", RootFsDistribution.All.Select(d => d.Name)));
        if (!RootFsNames.IsSuite(Suite))
            throw Invalid("CcSuite", Suite, "give a suite or codename such as bookworm");
        if (!RootFsNames.IsArchitecture(Architecture) || Architecture == "all")
            throw Invalid("CcArchitecture", Architecture, "give a Debian architecture such as amd64");
        if (Components.Count == 0 || Components.Any(c => !RootFsNames.IsSuite(c)))
            throw Invalid("CcComponents", string.Join(' ', Components), "give archive components such as main or universe");
        if (Mirror != null && (Mirror.Any(char.IsWhiteSpace) || !Mirror.Contains(':', StringComparison.Ordinal)))
            throw Invalid("CcMirror", Mirror, "give an archive URI such as http://host/debian or file:/srv/mirror");
        foreach (string package in Packages)
            if (!RootFsNames.IsPackageRequest(package))
                throw Invalid("CcPackage", package, "give a Debian package name, optionally with =version");
        if (SourceDateEpoch is < 0 or > uint.MaxValue)
            throw Invalid("SOURCE_DATE_EPOCH", SourceDateEpoch.ToString(CultureInfo.InvariantCulture), "give whole seconds from 0 to 4294967295");
        if (!RootFsNames.IsLocale(Locale))
            throw Invalid("CcLocale", Locale, "use C.UTF-8 or a locale such as en_US.UTF-8");
        if (!RootFsNames.IsTimezone(CanonicalTimezone))
            throw Invalid("CcTimezone", Timezone, "give a tz database name such as Etc/UTC or Europe/Berlin");
        foreach (string deb in Debs)
            if (!File.Exists(deb))
                throw Diag.Error(nameof(Strings.RootFsDebMissing), deb);
        var destinations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            if (!File.Exists(file.Source))
                throw Diag.Error(nameof(Strings.RootFsFileSourceMissing), file.Source);
            string? problem = RootFsNames.ImagePathProblem(file.Destination);
            if (problem != null)
                throw Diag.Error(nameof(Strings.RootFsFileDestinationInvalid), file.Source, file.Destination, problem);
            if (!destinations.Add(file.Destination))
                throw Diag.Error(nameof(Strings.RootFsFileDestinationInvalid), file.Source, file.Destination, "another CcFile has the same destination");
            if (((int)file.Mode & ~PermissionBits) != 0)
                throw Invalid("Mode of CcFile " + file.Source, Convert.ToString((int)file.Mode, 8), "give permission bits from 0 to 7777 (octal)");
            if (file.Owner != null && !RootFsNames.IsOwner(file.Owner))
                throw Invalid("Owner of CcFile " + file.Source, file.Owner, "give user:group as names or numbers");
        }
        if (Lock != null)
        {
            if (Lock.Distribution != Distribution || Lock.Suite != Suite || Lock.Architecture != Architecture)
                throw Diag.Error(nameof(Strings.RootFsLockInvalid), "(package lock)",
                    $"it was written for {Lock.Distribution} {Lock.Suite} {Lock.Architecture}, and this build is {Distribution} {Suite} {Architecture}");
        }
    }

    /// <summary>Checks each CcFile against its SHA-256 pin and returns every file's SHA-256 by source path (CCIMG4107 on a mismatch).</summary>
    public Dictionary<string, string> VerifyFileHashes()
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            string actual = FileHash.Sha256Hex(file.Source);
            if (file.Sha256 != null && !actual.Equals(file.Sha256.Trim(), StringComparison.OrdinalIgnoreCase))
                throw Diag.Error(nameof(Strings.RootFsFileSha256Mismatch), file.Source, actual, file.Sha256.Trim().ToLowerInvariant());
            hashes[file.Source] = actual;
        }
        return hashes;
    }

    /// <summary>
    /// The mirror URI and keyring the build uses: the settings, or the machine's main archive and the distribution's
    /// default keyring (CCIMG4116, CCIMG4119 when there is no default mirror, CCIMG4103 when the keyring is missing).
    /// </summary>
    public RootFsSources ResolveSources()
    {
        var distribution = RootFsDistribution.Find(Distribution)
                           ?? throw Invalid("CcDistribution", Distribution, "use " + string.Join(" or ", RootFsDistribution.All.Select(d => d.Name)));
        string? mirror = Mirror?.TrimEnd('/');
        if (mirror == null)
        {
            string machine = MachineDistribution();
            if (!machine.Equals(distribution.Name, StringComparison.OrdinalIgnoreCase))
                throw Diag.Error(nameof(Strings.RootFsMirrorRequired), machine, distribution.Name);
            mirror = AptSource.ReadConfigured(Path.Combine(MachineRoot, "etc", "apt")).FirstOrDefault(s => s.IsMainArchive)?.Uri.TrimEnd('/')
                     ?? throw Diag.Error(nameof(Strings.RootFsMirrorNotFound));
        }
        string keyring = Keyring ?? distribution.DefaultKeyring;
        if (!File.Exists(keyring))
            throw Diag.Error(nameof(Strings.RootFsKeyringMissing), keyring, distribution.Name, distribution.KeyringPackage);
        return new RootFsSources(distribution, mirror, Path.GetFullPath(keyring));
    }

    /// <summary>
    /// The cache manifest: canonical JSON of the format version, the host tool versions, every setting (mirror and
    /// keyring resolved), the SHA-256 of each deb and file, and the lock. Validates first; CCIMG4107 on a pin mismatch.
    /// </summary>
    public string CacheManifest(RootFsToolVersions tools)
    {
        Validate();
        var sources = ResolveSources();
        var fileHashes = VerifyFileHashes();
        var manifest = new JsonObject
        {
            ["formatVersion"] = ManifestFormatVersion,
            ["tools"] = new JsonObject
            {
                ["mmdebstrap"] = tools.Mmdebstrap,
                ["apt"] = tools.Apt,
                ["dpkg"] = tools.Dpkg,
                ["tar"] = tools.Tar,
            },
            ["distribution"] = sources.Distribution.Name,
            ["suite"] = Suite,
            ["mirror"] = sources.Mirror,
            ["keyring"] = sources.Keyring,
            ["components"] = JsonStrings(Components),
            ["architecture"] = Architecture,
            ["variant"] = Variant,
            ["packages"] = JsonStrings(SortedPackages),
            ["debs"] = JsonStrings(Debs.Select(FileHash.Sha256Hex).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            ["files"] = new JsonArray(Files.OrderBy(f => f.Destination, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
            {
                ["destination"] = f.Destination,
                ["mode"] = OctalMode(f.Mode),
                ["owner"] = f.Owner ?? DefaultOwner,
                ["sha256"] = fileHashes[f.Source],
            }).ToArray()),
            ["sourceDateEpoch"] = SourceDateEpoch,
            ["locale"] = Locale,
            ["timezone"] = CanonicalTimezone,
            ["lock"] = Lock?.ToNode(),
        };
        return CanonicalJson.Serialize(manifest);
    }

    /// <summary>The mode as four octal digits, e.g. 0755.</summary>
    public static string OctalMode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>Parses an octal mode such as 755 or 0755 (CCIMG4115 otherwise).</summary>
    public static UnixFileMode ParseMode(string text, string setting)
    {
        string digits = text.Trim();
        if (digits.Length is 0 or > 5 || digits.Any(c => c is < '0' or > '7'))
            throw Invalid(setting, text, "give octal permission bits such as 0644 or 0755");
        int value = Convert.ToInt32(digits, 8);
        return (value & ~PermissionBits) == 0 ? (UnixFileMode)value : throw Invalid(setting, text, "give permission bits from 0 to 7777 (octal)");
    }

    private string MachineDistribution()
    {
        string osRelease = Path.Combine(MachineRoot, "etc", "os-release");
        if (!File.Exists(osRelease))
            return "unknown";
        foreach (string line in File.ReadAllLines(osRelease))
            if (line.StartsWith("ID=", StringComparison.Ordinal))
                return line["ID=".Length..].Trim().Trim('"');
        return "unknown";
    }

    private static JsonArray JsonStrings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    private static CcImageException Invalid(string setting, string value, string what) =>
        Diag.Error(nameof(Strings.RootFsInvalidSetting), setting, value, what);
}
