// The fixture startup kits' sub_start.sh of the NVFlare sample tests, in place of the samples' placeholders (which start
// NVFlare's real client or server): run by the image's site service as its service account with the virtual
// environment's python3, they import nvflare and the fixture application and tell the test what the running image
// gives them, over the network (the only way out of a hardened image: its consoles have no login and the site's output
// stays in the journal). The client connects out to the test on the declared port 8002 after trying the undeclared
// 9998 (the firewall must block it); the server listens on exactly its declared ports 8002 and 8003 and answers each
// connection with the same line. The line: versions imported, Python, virtual environment, and the data mounts.
namespace CcImage.Tests.Nvflare;

internal static class FixtureSiteScripts
{
    /// <summary>The address the client's outbound connections go to (QEMU user networking forwards it to the test).</summary>
    public const string TestAddress = "10.0.2.100";

    /// <summary>The declared outbound port the client reports on.</summary>
    public const int DeclaredOutPort = 8002;

    /// <summary>An outbound port no CcAllowedPort opens.</summary>
    public const int UndeclaredOutPort = 9998;

    /// <summary>The server's declared inbound ports (samples/nvflare-server).</summary>
    public static readonly int[] ServerPorts = [8002, 8003];

    /// <summary>What every report line starts with.</summary>
    public const string Marker = "fixture-site";

    // The facts both roles report, as Python: what the environment imports, and which data folders are mounted and usable.
    private const string Facts = """
        import os, socket, sys, threading, time
        import nvflare, ccimage_fixture_app
        INPUT, OUTPUT = "/mnt/data/nvflare/input", "/mnt/data/nvflare/output"
        def state(path):
            if not os.path.ismount(path):
                return "absent"
            return "mounted-" + ("rw" if os.access(path, os.W_OK) else "ro") + ("-readable" if os.access(path, os.R_OK | os.X_OK) else "")
        written = "no"
        if os.path.ismount(OUTPUT):
            try:
                with open(os.path.join(OUTPUT, "fixture-result.txt"), "w") as f:
                    f.write("written by the fixture site\n")
                written = "yes"
            except OSError as e:
                written = "failed-" + type(e).__name__
        facts = "nvflare %s app %s python %d.%d prefix %s input %s output %s output-written %s user %s" % (
            nvflare.__version__, ccimage_fixture_app.VERSION, sys.version_info[0], sys.version_info[1], sys.prefix,
            state(INPUT), state(OUTPUT), written, os.getuid())
        """;

    public static string Client => Script("client", Facts + "\n" + $$"""
        def connect(port, message, tries):
            last = "none"
            for _ in range(tries):
                try:
                    c = socket.create_connection(("{{TestAddress}}", port), timeout=5)
                    c.sendall(message)
                    c.close()
                    return "reached"
                except OSError as e:
                    last = type(e).__name__
                    time.sleep(2)
            return "blocked-" + last
        undeclared = connect({{UndeclaredOutPort}}, b"{{Marker}} out {{UndeclaredOutPort}}\n", 3)
        connect({{DeclaredOutPort}}, ("{{Marker}} out {{DeclaredOutPort}} %s out-{{UndeclaredOutPort}} %s\n" % (facts, undeclared)).encode(), 90)
        while True:
            time.sleep(3600)
        """);

    public static string Server => Script("server", Facts + "\n" + $$"""
        banner = ("{{Marker}} in %s\n" % facts).encode()
        listeners = []
        for port in ({{string.Join(", ", ServerPorts)}}):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            s.listen(8)
            listeners.append(s)
        def serve(s):
            while True:
                c, _ = s.accept()
                c.sendall(banner)
                c.close()
        for s in listeners:
            threading.Thread(target=serve, args=(s,), daemon=True).start()
        while True:
            time.sleep(3600)
        """);

    /// <summary>The Python program of a sub_start.sh (what its here-document holds).</summary>
    public static string Program(string script)
    {
        int start = script.IndexOf(HereDocumentStart, StringComparison.Ordinal) + HereDocumentStart.Length;
        return script[start..script.LastIndexOf("PY\n", StringComparison.Ordinal)];
    }

    private const string HereDocumentStart = "exec python3 -u - <<'PY'\n";

    private static string Script(string role, string program) =>
        $"#!/usr/bin/env bash\n# Fixture {role} startup kit of the CcImage tests (tests/CcImage.Tests/Nvflare/FixtureSiteScripts.cs).\n"
        + HereDocumentStart + program.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\nPY\n";
}
