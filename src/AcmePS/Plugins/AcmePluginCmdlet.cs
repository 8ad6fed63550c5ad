using System.Management.Automation;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>The base of the built-in plugin cmdlets: the Challenge parameter the plugin contract fixes.</summary>
    public abstract class AcmePluginCmdlet : AcmeCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public AcmeChallenge[] Challenge { get; set; }
    }
}
