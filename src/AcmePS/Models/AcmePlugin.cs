using System.Collections.Generic;
using System.Linq;

namespace AcmePS.Models
{
    /// <summary>A plugin: a Publish-Acme&lt;Name&gt;Challenge / Unpublish-Acme&lt;Name&gt;Challenge pair, built in or from any module.</summary>
    public sealed class AcmePlugin
    {
        public string Name { get; set; }
        /// <summary>The challenge types the plugin declares (AcmeChallengeType attribute); empty when it declares none.</summary>
        public string[] ChallengeTypes { get; set; }
        public AcmePluginParameter[] Parameters { get; set; }
        /// <summary>True for the plugins in AcmePS itself.</summary>
        public bool BuiltIn { get; set; }
        /// <summary>The module the commands come from; empty for functions defined in the session.</summary>
        public string Module { get; set; }
        public string PublishCommand { get; set; }
        public string UnpublishCommand { get; set; }

        public override string ToString() => Name;
    }

    /// <summary>A parameter of a plugin (what goes in -PluginParameters).</summary>
    public sealed class AcmePluginParameter
    {
        public string Name { get; set; }
        public string Type { get; set; }
        public bool Mandatory { get; set; }

        public override string ToString() => Mandatory ? $"-{Name} <{Type}>" : $"[-{Name} <{Type}>]";
    }
}
