// Every diagnostic resource has a unique CCIMG code and an entry in docs/errors.md.
using CcImage.Core.Diagnostics;

namespace CcImage.Tests;

[TestClass]
public class DiagnosticsTests
{
    [TestMethod]
    public void EveryResource_HasUniqueCode_DocumentedInErrorsMd()
    {
        string docs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "errors.md"));
        var codes = new HashSet<string>();
        foreach (var (name, _) in Diag.All())
        {
            var (code, _) = Diag.Format(name, Enumerable.Repeat<object?>("x", 10).ToArray());
            StringAssert.Matches(code, new System.Text.RegularExpressions.Regex(@"^CCIMG[1-6]\d{3}$"), name);
            Assert.IsTrue(codes.Add(code), $"{code} is used by more than one resource");
            StringAssert.Contains(docs, $"## {code}", $"docs/errors.md has no entry for {code} ({name})");
        }
    }
}
