// One partition role of the CcPartition item's Role metadata: its name, the name its defining specification gives it,
// and its partition type GUID. The table lives in PartitionRoles.
namespace CcImage.Core.Gpt;

/// <param name="Name">The role as written in Role metadata (systemd-repart's Type= names where one exists).</param>
/// <param name="SpecName">The name in the defining specification.</param>
/// <param name="TypeGuid">The PartitionTypeGUID written into the entry.</param>
/// <param name="Specification">Which document defines the GUID.</param>
public sealed record PartitionRole(string Name, string SpecName, Guid TypeGuid, string Specification);
