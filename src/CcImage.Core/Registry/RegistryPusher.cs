// Pushes an image archive to a registry over the OCI distribution API: for each blob a HEAD (skipped when the
// registry has it), else a POST to open an upload and a monolithic PUT with the digest; then the manifest by tag.
// Authentication answers the registry's challenge: Basic with the user and token, or Bearer after a token request
// to the realm it names (scope repository:NAME:pull,push). The token is sent only in Authorization headers and is
// never logged.
// Spec: OCI distribution-spec spec.md ("Pushing blobs", "Pushing Manifests", "Checking if content exists");
// Docker registry token authentication (distribution docs, token.md).
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Diagnostics;
using CcImage.Core.Oci;

namespace CcImage.Core.Registry;

public sealed class RegistryPusher : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryCredentials _credentials;
    private readonly ILog _log;
    private readonly Uri _base;
    private AuthenticationHeaderValue? _authorization;

    /// <param name="registry">host[:port]; <paramref name="insecureHttp"/> uses plain HTTP (a local test registry).</param>
    public RegistryPusher(string registry, RegistryCredentials credentials, ILog log, bool insecureHttp = false, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromMinutes(30);
        _credentials = credentials;
        _log = log;
        _base = new Uri((insecureHttp ? "http://" : "https://") + registry + "/");
    }

    public sealed record PushResult(string Reference, string ManifestDigest, int BlobsUploaded, int BlobsSkipped);

    /// <summary>Pushes the first image of <paramref name="archivePath"/> as <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public async Task<PushResult> PushAsync(string archivePath, string repository, string tag, CancellationToken cancellationToken)
    {
        var archive = ImageArchive.Open(archivePath);
        var (manifestBytes, manifestMediaType) = FirstManifest(archive);
        var manifest = JsonNode.Parse(manifestBytes)!;
        var blobs = new List<(string Digest, long Size)>
        {
            (manifest["config"]!["digest"]!.GetValue<string>(), manifest["config"]!["size"]!.GetValue<long>()),
        };
        foreach (var layer in manifest["layers"]!.AsArray())
            blobs.Add((layer!["digest"]!.GetValue<string>(), layer["size"]!.GetValue<long>()));

        int uploaded = 0, skipped = 0;
        var missing = new List<(string Digest, long Size)>();
        foreach (var blob in blobs.DistinctBy(b => b.Digest))
        {
            if (await BlobExistsAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                skipped++;
                _log.Detail($"{blob.Digest}: already in the registry");
            }
            else
            {
                missing.Add(blob);
            }
        }
        if (missing.Count > 0)
        {
            var wanted = missing.Select(m => "blobs/" + m.Digest.Replace(':', '/')).ToHashSet(StringComparer.Ordinal);
            var pending = new List<Task>();
            archive.ReadEntries(wanted, (name, data) =>
            {
                string digest = name["blobs/".Length..].Replace('/', ':');
                long size = missing.First(m => m.Digest == digest).Size;
                UploadBlobAsync(repository, digest, data, size, cancellationToken).GetAwaiter().GetResult();
                uploaded++;
                _log.Info($"{digest}: uploaded ({size} bytes)");
            });
        }

        using var put = new HttpRequestMessage(HttpMethod.Put, Url($"v2/{repository}/manifests/{tag}"))
        {
            Content = new ByteArrayContent(manifestBytes),
        };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(manifestMediaType);
        using var response = await SendAsync(put, repository, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "the manifest", cancellationToken).ConfigureAwait(false);
        string manifestDigest = OciArchiveWriter.Digest(manifestBytes);
        return new PushResult($"{_base.Authority}/{repository}:{tag}", manifestDigest, uploaded, skipped);
    }

    private static (byte[] Bytes, string MediaType) FirstManifest(ImageArchive archive)
    {
        if (archive.Small("index.json") is { } indexBytes && JsonNode.Parse(indexBytes)?["manifests"] is JsonArray { Count: > 0 } manifests)
        {
            string digest = manifests[0]!["digest"]!.GetValue<string>();
            string mediaType = manifests[0]!["mediaType"]?.GetValue<string>() ?? OciImageLayout.ManifestMediaType;
            byte[] bytes = archive.Small("blobs/" + digest.Replace(':', '/'))
                ?? throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, $"manifest blob {digest} is missing");
            return (bytes, mediaType);
        }
        throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path,
            "it is not an OCI layout (no index.json); push the image.oci.tar that `ccimage aci build` writes");
    }

    private async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, Url($"v2/{repository}/blobs/{digest}"));
        using var response = await SendAsync(head, repository, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.OK)
            return true;
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureAsync(response, "a blob check", cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task UploadBlobAsync(string repository, string digest, Stream data, long size, CancellationToken cancellationToken)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, Url($"v2/{repository}/blobs/uploads/"));
        using var started = await SendAsync(post, repository, cancellationToken).ConfigureAwait(false);
        if (started.StatusCode != HttpStatusCode.Accepted || started.Headers.Location is null)
            await EnsureAsync(started, "a blob upload", cancellationToken, expectAccepted: true).ConfigureAwait(false);
        var location = started.Headers.Location!.IsAbsoluteUri ? started.Headers.Location : new Uri(_base, started.Headers.Location);
        string separator = location.Query.Length > 0 ? "&" : "?";
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(location + separator + "digest=" + Uri.EscapeDataString(digest)))
        {
            Content = new StreamContent(data),
        };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        put.Content.Headers.ContentLength = size;
        using var done = await SendAsync(put, repository, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(done, "blob " + digest, cancellationToken).ConfigureAwait(false);
    }

    private Uri Url(string relative) => new(_base, relative);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string repository, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Diag.Error(nameof(Strings.AciPushUnreachable), _base.Authority, e.Message);
        }
        if (response.StatusCode != HttpStatusCode.Unauthorized || _authorization is not null && !_credentials.HasToken)
            return response;
        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        if (challenge is null || !_credentials.HasToken)
            return response;
        _authorization = await AuthorizeAsync(challenge, repository, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        using var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content };
        retry.Headers.Authorization = _authorization;
        return await _http.SendAsync(retry, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(AuthenticationHeaderValue challenge, string repository, CancellationToken cancellationToken)
    {
        var basic = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credentials.User}:{_credentials.Token}")));
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            return basic;
        var parameters = (challenge.Parameter ?? "").Split(',')
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"'), StringComparer.OrdinalIgnoreCase);
        if (!parameters.TryGetValue("realm", out string? realm))
            throw Diag.Error(nameof(Strings.AciPushAuthFailed), _base.Authority, "its Bearer challenge names no realm");
        string query = $"service={Uri.EscapeDataString(parameters.GetValueOrDefault("service") ?? "")}&scope={Uri.EscapeDataString($"repository:{repository}:pull,push")}";
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
        tokenRequest.Headers.Authorization = basic;
        using var tokenResponse = await _http.SendAsync(tokenRequest, cancellationToken).ConfigureAwait(false);
        if (!tokenResponse.IsSuccessStatusCode)
            throw Diag.Error(nameof(Strings.AciPushAuthFailed), _base.Authority, $"the token service answered {(int)tokenResponse.StatusCode}");
        var body = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        string? token = body?["token"]?.GetValue<string>() ?? body?["access_token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token))
            throw Diag.Error(nameof(Strings.AciPushAuthFailed), _base.Authority, "the token service returned no token");
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken, bool expectAccepted = false)
    {
        if (response.IsSuccessStatusCode && !expectAccepted)
            return;
        if (response.StatusCode == HttpStatusCode.Unauthorized || response.StatusCode == HttpStatusCode.Forbidden)
            throw Diag.Error(nameof(Strings.AciPushAuthFailed), _base.Authority, $"{what} was refused ({(int)response.StatusCode})");
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw Diag.Error(nameof(Strings.AciPushFailed), _base.Authority, what, (int)response.StatusCode, body.Length > 300 ? body[..300] : body);
    }

    public void Dispose() => _http.Dispose();
}
