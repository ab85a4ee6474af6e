// Small rules of confcom 1.2.7 shared by the policy pieces: which images are sidecars, how stop signals are
// numbered, and how a seccomp profile is normalised before it is hashed (template_util.process_seccomp_policy).
using System.Text.Json.Nodes;

namespace CcImage.Core.Aci.Policy;

internal static class ConfcomPolicyRules
{
    private static readonly Dictionary<string, int> Signals = new(StringComparer.Ordinal)
    {
        ["SIGHUP"] = 1, ["SIGINT"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5, ["SIGABRT"] = 6,
        ["SIGIOT"] = 6, ["SIGBUS"] = 7, ["SIGFPE"] = 8, ["SIGKILL"] = 9, ["SIGUSR1"] = 10, ["SIGSEGV"] = 11,
        ["SIGUSR2"] = 12, ["SIGPIPE"] = 13, ["SIGALRM"] = 14, ["SIGTERM"] = 15, ["SIGSTKFLT"] = 16,
        ["SIGCHLD"] = 17, ["SIGCONT"] = 18, ["SIGSTOP"] = 19, ["SIGTSTP"] = 20, ["SIGTTIN"] = 21,
        ["SIGTTOU"] = 22, ["SIGURG"] = 23, ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25, ["SIGVTALRM"] = 26,
        ["SIGPROF"] = 27, ["SIGWINCH"] = 28, ["SIGIO"] = 29, ["SIGPWR"] = 30, ["SIGSYS"] = 31, ["SIGUNUSED"] = 31,
    };

    /// <summary>is_sidecar: the image name before its first ':' is one of the platform's sidecar images.</summary>
    public static bool IsSidecar(ConfcomFacts facts, string imageName)
    {
        string name = imageName.Split(':')[0];
        return facts.Config["sidecar_base_names"]!.AsArray().Any(n => PyJson.PyStr(n) == name);
    }

    /// <summary>translate_signals: known signal names become their numbers; anything else is kept.</summary>
    public static JsonArray TranslateSignals(JsonNode? signals)
    {
        var list = signals is JsonArray a ? (JsonArray)a.DeepClone() : new JsonArray(signals?.DeepClone());
        for (int i = 0; i < list.Count; i++)
            if (PyJson.IsString(list[i]) && Signals.TryGetValue(list[i]!.GetValue<string>().ToUpperInvariant(), out int number))
                list[i] = number;
        return list;
    }

    public static JsonNode ProcessSeccompPolicy(string json)
    {
        var policy = PyJson.Parse(json) as JsonObject ?? throw new FormatException("seccomp profile is not an object");
        Defaults(policy, ("defaultAction", ""));
        policy = Pick(policy, "defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath", "listenerMetadata", "syscalls");
        if (policy.ContainsKey("syscalls"))
        {
            var syscalls = new JsonArray();
            foreach (var s in policy["syscalls"]!.AsArray())
            {
                var syscall = (JsonObject)s!.DeepClone();
                Defaults(syscall, ("names", new JsonArray()), ("action", ""));
                syscall = Pick(syscall, "names", "action", "errnoRet", "args");
                if (syscall.ContainsKey("args"))
                {
                    var args = new JsonArray();
                    foreach (var a in syscall["args"]!.AsArray())
                    {
                        var arg = (JsonObject)a!.DeepClone();
                        Defaults(arg, ("value", 0), ("op", ""), ("index", 0));
                        args.Add((JsonNode)Pick(arg, "index", "value", "valueTwo", "op"));
                    }
                    syscall["args"] = args;
                }
                syscalls.Add((JsonNode)syscall);
            }
            policy["syscalls"] = syscalls;
        }
        return policy;
    }

    private static void Defaults(JsonObject o, params (string Key, JsonNode? Value)[] defaults)
    {
        foreach (var (key, value) in defaults)
            if (!o.ContainsKey(key))
                o[key] = value;
    }

    private static JsonObject Pick(JsonObject o, params string[] keys)
    {
        var result = new JsonObject();
        foreach (string key in keys)
            if (o.TryGetPropertyValue(key, out var v))
                result[key] = v?.DeepClone();
        return result;
    }
}
