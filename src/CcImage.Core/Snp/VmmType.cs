// The virtual machine monitors whose initial vCPU register state the measurement models.
namespace CcImage.Core.Snp;

public enum VmmType
{
    /// <summary>QEMU/KVM.</summary>
    QEMU = 1,
    /// <summary>Amazon EC2.</summary>
    ec2 = 2,
    /// <summary>Google Compute Engine.</summary>
    gce = 3,
}
