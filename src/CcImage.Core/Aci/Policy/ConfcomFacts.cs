// The facts of `az confcom` 1.2.7 (Azure/azure-cli-extensions src/confcom, release 1.2.7) that a policy is made of:
// the Rego framework text the policy is written into, the api and framework versions, the default infrastructure
// fragment, the pause container with its pre-computed layer hash, the sidecar image names, the environment rules
// injected into every user container, the default mounts, user and capabilities, and the debug-mode settings.
// They are data of that release, not logic: a later confcom format gets a second ConfcomFacts beside this one,
// chosen by version (PolicyGenerator.FactsFor). The framework text keeps its %s slots in the order confcom fills them.
using System.Text.Json.Nodes;

namespace CcImage.Core.Aci.Policy;

internal sealed class ConfcomFacts
{
    /// <summary>The confcom release these facts come from.</summary>
    public const string Version127 = "1.2.7";

    public static ConfcomFacts V127 { get; } = new(Version127, Framework127, SidecarFramework127, Config127);

    private ConfcomFacts(string version, string framework, string sidecarFramework, string config)
    {
        Version = version;
        Framework = framework;
        SidecarFramework = sidecarFramework;
        Config = (JsonObject)PyJson.Parse(config)!;
    }

    public string Version { get; }

    /// <summary>The customer policy framework; slots: api_version, fragments, containers, then six booleans.</summary>
    public string Framework { get; }

    /// <summary>The sidecar policy framework; slots: api_version, containers.</summary>
    public string SidecarFramework { get; }

    /// <summary>The data settings (confcom's internal configuration, the parts policy generation reads).</summary>
    public JsonObject Config { get; }

    public JsonNode Setting(string name) => Config[name]!.DeepClone();

    private const string Framework127 = """
package policy

import future.keywords.every
import future.keywords.in

api_version := %s
framework_version := "0.2.3"

fragments := %s

containers := %s

allow_properties_access := %s
allow_dump_stacks := %s
allow_runtime_logging := %s
allow_environment_variable_dropping := %s
allow_unencrypted_scratch := %s
allow_capability_dropping := %s

mount_device := data.framework.mount_device
unmount_device := data.framework.unmount_device
mount_overlay := data.framework.mount_overlay
unmount_overlay := data.framework.unmount_overlay
create_container := data.framework.create_container
exec_in_container := data.framework.exec_in_container
exec_external := data.framework.exec_external
shutdown_container := data.framework.shutdown_container
signal_container_process := data.framework.signal_container_process
plan9_mount := data.framework.plan9_mount
plan9_unmount := data.framework.plan9_unmount
get_properties := data.framework.get_properties
dump_stacks := data.framework.dump_stacks
runtime_logging := data.framework.runtime_logging
load_fragment := data.framework.load_fragment
scratch_mount := data.framework.scratch_mount
scratch_unmount := data.framework.scratch_unmount

reason := {"errors": data.framework.errors}
""";

    private const string SidecarFramework127 = """
package microsoftcontainerinstance

api_version := %s
framework_version := "0.2.3"

containers := %s
""";

    private const string Config127 = """
{
  "version_api": "0.10.0",
  "sidecar_base_names": [
    "mcr.microsoft.com/aci/msi-atlas-adapter",
    "mcr.microsoft.com/aci/atlas-mount-azure-file-volume",
    "mcr.microsoft.com/aci/atlas-mount-secrets-volume",
    "mcr.microsoft.com/aci/atlas-netstats",
    "mcr.microsoft.com/aci/atlas-mount-resolv-conf",
    "mcr.microsoft.com/aci/atlas-mount-gitrepo-volume",
    "k8s.gcr.io/pause",
    "mcr.microsoft.com/aci/sc-proxy",
    "mcr.microsoft.com/aci/vk-metrics-sidecar",
    "mcr.microsoft.com/aci/configmaps-adapter-linux"
  ],
  "openGCS": {
    "environmentVariables": [
      {
        "name": "TERM",
        "value": "xterm",
        "strategy": "string",
        "required": false
      }
    ]
  },
  "fabric": {
    "environmentVariables": [
      {
        "name": "(?i)(FABRIC)_.+",
        "value": ".+",
        "strategy": "re2",
        "required": false
      },
      {
        "name": "HOSTNAME",
        "value": ".+",
        "strategy": "re2",
        "required": false
      },
      {
        "name": "T(E)?MP",
        "value": ".+",
        "strategy": "re2",
        "required": false
      },
      {
        "name": "FabricPackageFileName",
        "value": ".+",
        "strategy": "re2",
        "required": false
      },
      {
        "name": "HostedServiceName",
        "value": ".+",
        "strategy": "re2",
        "required": false
      }
    ]
  },
  "managedIdentity": {
    "environmentVariables": [
      {
        "name": "IDENTITY_API_VERSION",
        "value": ".+",
        "strategy": "re2",
        "required": false
      },
      {
        "name": "IDENTITY_HEADER",
        "value": ".+",
        "strategy": "re2",
        "required": false
      },
      {
        "name": "IDENTITY_SERVER_THUMBPRINT",
        "value": ".+",
        "strategy": "re2",
        "required": false
      }
    ]
  },
  "enableRestart": {
    "environmentVariables": [
      {
        "name": "azurecontainerinstance_restarted_by",
        "value": ".+",
        "strategy": "re2",
        "required": false
      }
    ]
  },
  "default_rego_fragments": [
    {
      "issuer": "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.3",
      "feed": "mcr.microsoft.com/aci/aci-cc-infra-fragment",
      "minimum_svn": "1",
      "includes": [
        "containers",
        "fragments"
      ]
    }
  ],
  "debugMode": {
    "environmentVariables": [
      {
        "name": ".+",
        "value": ".+",
        "strategy": "re2",
        "required": false
      }
    ],
    "execProcesses": [
      {
        "command": [
          "/bin/sh"
        ],
        "signals": [],
        "allow_stdio_access": true
      },
      {
        "command": [
          "/bin/bash"
        ],
        "signals": [],
        "allow_stdio_access": true
      }
    ],
    "allowPropertiesAccess": true,
    "allowDumpStacks": true,
    "allowRuntimeLogging": true,
    "allowEnvironmentVariableDropping": true,
    "allowCapabilityDropping": true,
    "allowUnencryptedScratch": false
  },
  "default_user": {
    "user_idname": {
      "pattern": "",
      "strategy": "any"
    },
    "group_idnames": [
      {
        "pattern": "",
        "strategy": "any"
      }
    ],
    "umask": "0022"
  },
  "default_unprivileged_capabilities": [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE"
  ],
  "default_privileged_capabilities": [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE"
  ],
  "default_containers": [
    {
      "name": "pause-container",
      "command": [
        "/pause"
      ],
      "env_rules": [
        {
          "pattern": "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "strategy": "string",
          "required": true
        },
        {
          "pattern": "TERM=xterm",
          "strategy": "string",
          "required": false
        }
      ],
      "layers": [
        "16b514057a06ad665f92c02863aca074fd5976c755d26bff16365299169e8415"
      ],
      "mounts": [],
      "exec_processes": [],
      "signals": [],
      "allow_elevated": false,
      "allow_stdio_access": true,
      "working_dir": "/",
      "no_new_privileges": false,
      "seccomp_profile_sha256": "",
      "user": {
        "user_idname": {
          "pattern": "",
          "strategy": "any"
        },
        "group_idnames": [
          {
            "pattern": "",
            "strategy": "any"
          }
        ],
        "umask": "0022"
      },
      "capabilities": {
        "bounding": [
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE"
        ],
        "effective": [
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE"
        ],
        "inheritable": [],
        "permitted": [
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE"
        ],
        "ambient": []
      }
    }
  ],
  "containerd": {
    "defaultWorkingDir": "/"
  },
  "mount": {
    "source_table": [
      {
        "mountType": "azureFile",
        "source": "sandbox:///tmp/atlas/azureFileVolume/.+"
      },
      {
        "mountType": "secret",
        "source": "sandbox:///tmp/atlas/secretsVolume/.+"
      },
      {
        "mountType": "secretsSource",
        "source": "plan9://"
      },
      {
        "mountType": "emptyDir",
        "source": "sandbox:///tmp/atlas/emptydir/.+"
      },
      {
        "mountType": "resolvconf",
        "source": "sandbox:///tmp/atlas/resolvconf/.+"
      },
      {
        "mountType": "gitRepo",
        "source": "sandbox:///tmp/atlas/gitRepoVolume/.+"
      }
    ],
    "default_policy": {
      "type": "bind",
      "options": [
        "rbind",
        "rshared",
        "rw"
      ]
    },
    "default_mounts_user": [
      {
        "name": "dns_resolve",
        "mountType": "resolvconf",
        "mountPath": "/etc/resolv.conf",
        "readonly": false
      }
    ]
  }
}
""";
}
