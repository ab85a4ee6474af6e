// Loads the platform's crypto library (OpenSSL on Linux) on a background thread, so that a short command whose first
// hash is on its critical path (`ccimage measure`) does not wait for the library to load after parsing its arguments:
// loading and initialising libssl/libcrypto costs a few milliseconds, as much as parsing, and the two now overlap.
using System.Security.Cryptography;

namespace CcImage.Core.Hashing;

public static class CryptoWarmUp
{
    /// <summary>Starts loading the crypto library and the SHA-256 and SHA-384 implementations; returns at once. A hash
    /// computed meanwhile on another thread waits for the load to finish, as it would have done the load itself.</summary>
    public static void Start() => new Thread(static () =>
    {
        SHA256.HashData(ReadOnlySpan<byte>.Empty);
        SHA384.HashData(ReadOnlySpan<byte>.Empty);
    })
    {
        IsBackground = true,
        Name = "ccimage crypto load",
    }.Start();
}
