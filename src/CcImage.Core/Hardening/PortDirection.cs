// Which way a CcAllowedPort opens the firewall: connections the site accepts (in) or makes (out).
namespace CcImage.Core.Hardening;

public enum PortDirection
{
    In,
    Out,
}
