// Hashes one block the way dm-verity does: format 1 = H(salt ‖ block), format 0 (Chrome OS) = H(block ‖ salt).
// One instance per worker thread; it keeps its hash context between blocks so no block allocates.
// Spec: cryptsetup lib/verity/verity_hash.c (verify_hash_block); kernel verity.rst ("salt" and "hash_type").
using System.Security.Cryptography;

namespace CcImage.Core.Verity;

internal sealed class VerityBlockHasher : IDisposable
{
    private readonly IncrementalHash _hash;
    private readonly byte[] _salt;
    private readonly bool _saltFirst;

    public VerityBlockHasher(VerityHashAlgorithm algorithm, byte[] salt, int hashType)
    {
        _hash = IncrementalHash.CreateHash(algorithm.DotNetName);
        _salt = salt;
        _saltFirst = hashType == VerityParameters.HashTypeNormal;
    }

    /// <summary>Writes the digest of <paramref name="block"/> to <paramref name="digest"/>.</summary>
    public void Hash(ReadOnlySpan<byte> block, Span<byte> digest)
    {
        if (_saltFirst && _salt.Length > 0)
            _hash.AppendData(_salt);
        _hash.AppendData(block);
        if (!_saltFirst && _salt.Length > 0)
            _hash.AppendData(_salt);
        _hash.GetHashAndReset(digest);
    }

    public void Dispose() => _hash.Dispose();
}
